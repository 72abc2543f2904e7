package cnnc.cli;

import cnnc.data.Dataset;
import java.nio.file.Path;

/** What the commands require of a data set beyond a valid file format. */
final class DataChecks {
    private DataChecks() {}

    /** An empty set trains nothing and measures nothing: a division by zero, or a NaN, otherwise. */
    static void notEmpty(Dataset set, String which, Path dataDir) {
        if (set.count() == 0) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "the " + which + " set" + (dataDir == null ? "" : " in " + dataDir)
                    + " holds no images; give IDX files with at least one image each");
        }
    }
}
