package cnnc.cli;

import cnnc.data.Normalization;
import cnnc.io.AtomicFiles;
import cnnc.io.IoReasons;
import cnnc.io.ModelFileException;
import cnnc.io.Sha256;
import cnnc.model.Network;
import cnnc.plot.LossPlot;
import cnnc.report.HistoryCsv;
import cnnc.train.ModelFiles;
import cnnc.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The three files of a training run in {@code --out}. The model is written last and its metadata
 * holds the SHA-256 of the history.csv and loss.png written with it: three renames cannot be one
 * atomic step, so a kill between them may leave a new history beside the old model, and these
 * checksums tell a reader which files belong together. The plot is a picture for people: failing
 * to draw it (no fonts on a server, a full disk) is a warning, never a lost training.
 */
final class TrainingResults {
    static final String MODEL = "model.safetensors";
    static final String HISTORY = "history.csv";
    static final String PLOT = "loss.png";
    static final String HISTORY_SHA256_KEY = "history_sha256";
    static final String PLOT_SHA256_KEY = "plot_sha256";
    /** The epoch whose weights the model holds: the last, or the best one early stopping kept. */
    static final String EPOCH_KEY = "epoch";

    /** Draws loss.png's bytes; a test stands in one that fails as a server without fonts does. */
    @FunctionalInterface
    interface Plotter {
        byte[] png(cnnc.report.History history, String title) throws IOException;
    }

    private final Path dir;
    private final Plotter plotter;
    private Path created;
    private boolean plotWritten;

    TrainingResults(Path dir) {
        this(dir, LossPlot::png);
    }

    TrainingResults(Path dir, Plotter plotter) {
        this.dir = dir;
        this.plotter = plotter;
    }

    /** Before training: the folder is writable and no output is an input or a special file. */
    void checkWritable(Path... inputs) {
        created = Outputs.checkDirectory(dir, "--out");
        for (String name : new String[] {MODEL, HISTORY, PLOT, Checkpoints.FILE}) {
            Outputs.check(dir.resolve(name), "--out", inputs);
        }
    }

    /** @param positiveClass the binary classifier's digit, or -1 for other networks */
    void write(Network network, Trainer.Result result, int positiveClass, List<String> classNames,
            Optional<Normalization> normalization, String title, PrintWriter err) {
        byte[] history = HistoryCsv.render(result.history()).getBytes(StandardCharsets.UTF_8);
        byte[] plot = draw(result, title, err);
        var metadata = new LinkedHashMap<String, String>();
        if (positiveClass >= 0) {
            metadata.put(ModelFiles.POSITIVE_CLASS_KEY, Integer.toString(positiveClass));
        }
        if (!classNames.isEmpty()) {
            metadata.put(ModelFiles.CLASS_NAMES_KEY, String.join("\n", classNames));
        }
        normalization.ifPresent(n -> metadata.put(Normalization.METADATA_KEY, n.toMetadata()));
        metadata.put(EPOCH_KEY, Integer.toString(result.keptEpoch()));
        metadata.put(HISTORY_SHA256_KEY, sha256(history));
        try {
            AtomicFiles.write(dir.resolve(HISTORY), history);
            if (plot != null) {
                plotWritten = writePlot(plot, err);
            }
            if (plotWritten) {
                metadata.put(PLOT_SHA256_KEY, sha256(plot));
            } else {
                removeStalePlot(err);
            }
            ModelFiles.save(dir.resolve(MODEL), network, result.parameters(), metadata);
        } catch (IOException | ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
    }

    /** After a run that wrote nothing: removes the folders {@link #checkWritable} created. */
    void discard() {
        Outputs.removeIfEmpty(created, dir);
    }

    boolean plotWritten() {
        return plotWritten;
    }

    // Drawing needs fonts, which a server may lack (UnsatisfiedLinkError from libfontmanager).
    private byte[] draw(Trainer.Result result, String title, PrintWriter err) {
        try {
            return plotter.png(result.history(), title);
        } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
            err.println("cnnc: warning: cannot draw " + PLOT + " (" + describe(e) + "); the model and history are written without it");
            if (e instanceof UnsatisfiedLinkError) {
                err.println("  note: " + FONT_PACKAGES);
            }
            err.flush();
            return null;
        }
    }

    /** What a machine whose Java cannot load its font library lacks, and how to add it. */
    static final String FONT_PACKAGES = "Java draws text with the system's font libraries, which this machine lacks; on Debian or "
            + "Ubuntu, apt-get install libfreetype6 libharfbuzz0b fontconfig fonts-dejavu-core adds them for the next run";

    private boolean writePlot(byte[] plot, PrintWriter err) {
        try {
            AtomicFiles.write(dir.resolve(PLOT), plot);
            return true;
        } catch (IOException e) {
            err.println("cnnc: warning: " + e.getMessage() + "; the model and history are written without it");
            err.flush();
            return false;
        }
    }

    // An old plot beside the new model would show another run's curves.
    private void removeStalePlot(PrintWriter err) {
        Path old = dir.resolve(PLOT);
        try {
            if (Files.deleteIfExists(old)) {
                err.println("cnnc: warning: removed the previous run's " + old + ", which no longer matches the model");
            }
        } catch (IOException e) {
            err.println("cnnc: warning: " + old + " is from an earlier run and could not be removed: " + IoReasons.of(e));
        }
        err.flush();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static String sha256(byte[] bytes) {
        return Sha256.of(bytes);
    }
}
