package cnnc.cli;

import cnnc.io.AtomicFiles;
import cnnc.io.IoReasons;
import cnnc.model.Network;
import cnnc.train.CheckpointFile;
import cnnc.train.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes {@code checkpoint.safetensors} into --out after every epoch, atomically, so a run killed
 * at any moment leaves the last whole epoch to resume from. A run that writes no model (it
 * diverged, or failed) puts back the checkpoint that was there before it, so --out is as it was.
 */
final class Checkpoints {
    static final String FILE = "checkpoint.safetensors";

    private final Path file;
    private final Network network;
    private final byte[] before;

    Checkpoints(Path dir, Network network) {
        this.file = dir.resolve(FILE);
        this.network = network;
        this.before = readIfPresent(file);
    }

    void write(TrainingState state, Map<String, String> settings) {
        try {
            AtomicFiles.write(file, CheckpointFile.toBytes(network, state, settings));
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
    }

    /** Puts back what was there before this run (or nothing). */
    void undo() {
        try {
            if (before != null) {
                AtomicFiles.write(file, before);
            } else {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot put back " + file + ": " + IoReasons.of(e));
        }
    }

    private static byte[] readIfPresent(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot read " + file + ": " + IoReasons.of(e));
        }
    }
}
