package cnnc.cli;

import cnnc.io.ModelFileException;
import cnnc.io.SafeTensors;
import cnnc.model.Network;
import cnnc.train.CheckpointFile;
import cnnc.train.TrainingConfig;
import cnnc.train.TrainingState;
import java.nio.file.Path;
import java.util.Map;

/**
 * train --resume DIR: reads DIR's checkpoint and refuses, saying why, one that would not continue
 * this same run: another network, other settings, or a run already over.
 */
final class Resumption {
    private Resumption() {}

    /** The checkpoint's state, its weights copied into {@code params}. */
    static TrainingState load(Path dir, Network network, Map<String, String> settings, TrainingConfig config,
            float[][] params) {
        Path path = dir.resolve(Checkpoints.FILE);
        CheckpointFile.Contents contents;
        try {
            contents = CheckpointFile.read(SafeTensors.read(path), path.toString(), network);
        } catch (ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot resume: " + e.getMessage());
        }
        if (!contents.source().equals(network.source().text())) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot resume from " + path + ": " + network.source().name()
                    + " is not the network it was trained with (the .cnn text differs; the checkpoint holds the original)");
        }
        String differences = RunSettings.differences(settings, contents.settings());
        if (!differences.isEmpty()) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot resume from " + path + ": the settings differ from the run's ("
                    + differences + "); give the flags of the run that wrote it");
        }
        TrainingState state = contents.state();
        String why = state.whyNotResumable(config);
        if (why != null) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot resume from " + path + ": " + why);
        }
        for (int t = 0; t < params.length; t++) {
            System.arraycopy(state.params()[t], 0, params[t], 0, params[t].length);
        }
        return state;
    }
}
