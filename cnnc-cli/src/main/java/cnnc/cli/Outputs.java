package cnnc.cli;

import cnnc.io.AtomicFiles;
import cnnc.io.IoReasons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks where a command will write before it does any work: an output must be a regular file
 * (or not exist yet), must not be one of the command's own inputs, and an output folder must be
 * writable, so an hour of training is never lost to a typo in {@code --out}.
 */
final class Outputs {
    private Outputs() {}

    /** Refuses {@code output} when it is (or links to) one of {@code inputs}, or is no regular file. */
    static void check(Path output, String option, Path... inputs) {
        try {
            AtomicFiles.destination(output);
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        for (Path input : inputs) {
            if (input != null && sameFile(output, input)) {
                throw new CliError(ExitCodes.USAGE_OR_IO, option + " " + output + " is the input " + input
                        + "; writing it would destroy the input. Choose another output file");
            }
        }
    }

    /**
     * Creates {@code dir} if needed and proves it writable with a file that is deleted at once.
     * Returns the outermost folder it created, or null, so that a run that writes nothing can
     * leave the file system as it found it ({@link #removeIfEmpty}).
     */
    static Path checkDirectory(Path dir, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " " + dir + " is a file, not a folder; give a folder for the results");
        }
        Path created = null;
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            created = p;
        }
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".cnnc-write-test", ".tmp"));
        } catch (IOException e) {
            removeIfEmpty(created, dir);
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot write into " + option + " " + dir + ": " + IoReasons.of(e)
                    + "; give a folder you can write to");
        }
        return created;
    }

    /** Deletes the empty folders from {@code dir} up to {@code created}, which this run made. */
    static void removeIfEmpty(Path created, Path dir) {
        if (created == null) {
            return;
        }
        for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(created); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty, or not ours to delete: leave it
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
