package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static cnnc.cli.TrainCommandTest.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.cli.TrainCommandTest.Run;
import cnnc.diag.SourceFile;
import cnnc.io.SafeTensors;
import cnnc.model.Network;
import cnnc.report.EpochRecord;
import cnnc.report.History;
import cnnc.train.ModelFiles;
import cnnc.train.Trainer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training that goes wrong: nothing good is lost, and every failure is a message with an exit code. */
class TrainingFaultsTest {
    private static final String NET = "input 28x28x1\nflatten\ndense 10 softmax\n";

    @TempDir
    Path dir;

    private Path cnn() throws Exception {
        return Files.writeString(dir.resolve("net.cnn"), NET);
    }

    private Path trainGood() throws Exception {
        Path out = dir.resolve("good");
        Run r = run("train", cnn().toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "1", "--limit", "100");
        assertEquals(0, r.code(), r.err());
        return out;
    }

    @Test
    void aDivergedRunExitsOneAndLeavesTheGoodModel() throws Exception {
        Path out = trainGood();
        byte[] model = Files.readAllBytes(out.resolve("model.safetensors"));
        byte[] history = Files.readAllBytes(out.resolve("history.csv"));
        // a hidden layer multiplies weights of 1e30 into infinities, and their differences into NaN
        Path deeper = Files.writeString(dir.resolve("deeper.cnn"), "input 28x28x1\nflatten\ndense 32 relu\ndense 32 relu\ndense 10 softmax\n");
        Run r = run("train", deeper.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "3",
                "--limit", "100", "--lr", "1e30");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("training diverged"), r.err());
        assertTrue(r.err().contains("training diverged; nothing was written, " + out + " is as it was"), r.err());
        assertArrayEquals(model, Files.readAllBytes(out.resolve("model.safetensors")));
        assertArrayEquals(history, Files.readAllBytes(out.resolve("history.csv")));
        Path fresh = dir.resolve("fresh/run");
        Run again = run("train", deeper.toString(), "--data", slice().toString(), "--out", fresh.toString(), "--epochs", "3",
                "--limit", "100", "--lr", "1e30");
        assertEquals(1, again.code());
        assertFalse(Files.exists(dir.resolve("fresh")), "the folders made for the results are gone again");
    }

    @Test
    void weightsThatAreNotNumbersAreRefusedByEveryReader() throws Exception {
        Path out = trainGood();
        Path model = out.resolve("model.safetensors");
        Network network = Frontend.compile(new SourceFile("net.cnn", NET)).network().orElseThrow();
        var file = SafeTensors.read(model);
        float[][] params = ModelFiles.load(file, model.toString(), network);
        params[0][17] = Float.NaN;
        ModelFiles.save(model, network, params);
        String expected = model + ": tensor dense1.weight holds NaN at index 17";
        Path png = dir.resolve("digit.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png",
                png.toFile());
        List<Run> runs = List.of(
                run("eval", "--model", out.toString(), cnn().toString(), "--data", slice().toString()),
                run("predict", "--model", out.toString(), png.toString()),
                run("build", cnn().toString(), "--weights", model.toString(), "-o", dir.resolve("n.jar").toString()),
                run("train", cnn().toString(), "--data", slice().toString(), "--out", dir.resolve("next").toString(),
                        "--epochs", "1", "--limit", "100", "--init-from", model.toString()));
        for (Run r : runs) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(expected), r.err());
        }
        params[0][17] = Float.POSITIVE_INFINITY;
        ModelFiles.save(model, network, params);
        Run inf = run("eval", "--model", out.toString(), cnn().toString(), "--data", slice().toString());
        assertTrue(inf.err().contains("holds Infinity at index 17"), inf.err());
    }

    @Test
    void aPlotThatCannotBeDrawnIsAWarningAndTheOldPlotGoes() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("loss.png"), "the previous run's plot");
        var results = new TrainingResults(out, (history, title) -> {
            throw new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared object file");
        });
        var err = writeOneEpoch(results);
        assertTrue(err.toString().contains("cnnc: warning: cannot draw loss.png (UnsatisfiedLinkError: libfontmanager.so"),
                err.toString());
        assertTrue(err.toString().contains("note: " + TrainingResults.FONT_PACKAGES), err.toString());
        assertTrue(err.toString().contains("removed the previous run's"), err.toString());
        assertFalse(results.plotWritten());
        assertFalse(Files.exists(out.resolve("loss.png")));
        var model = SafeTensors.read(out.resolve("model.safetensors"));
        String csv = Files.readString(out.resolve("history.csv"));
        assertEquals(TrainingResults.sha256(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                model.metadata().get(TrainingResults.HISTORY_SHA256_KEY), "the model names the history written with it");
        assertFalse(model.metadata().containsKey(TrainingResults.PLOT_SHA256_KEY));
    }

    @Test
    void onlyAMissingSystemLibraryGetsTheFontPackagesNote() throws Exception {
        Path out = Files.createDirectories(dir.resolve("other"));
        var results = new TrainingResults(out, (history, title) -> {
            throw new IllegalStateException("no room for the legend");
        });
        var err = writeOneEpoch(results);
        assertTrue(err.toString().contains("cannot draw loss.png (IllegalStateException: no room for the legend)"), err.toString());
        assertFalse(err.toString().contains("apt-get"), err.toString());
        assertTrue(Files.exists(out.resolve("model.safetensors")));
    }

    /** Writes a one-epoch run of NET's network through {@code results}; returns what it said on standard error. */
    private static StringWriter writeOneEpoch(TrainingResults results) {
        Network network = Frontend.compile(new SourceFile("net.cnn", NET)).network().orElseThrow();
        float[][] params = {new float[7840], new float[10]};
        var history = History.empty().with(new EpochRecord(1, 0.5, 0.8, 0.6, 0.7, 1.0));
        var err = new StringWriter();
        results.write(network, new Trainer.Result(params, history, new Trainer.Metrics(0.6, 0.7), 1, false), -1,
                java.util.List.of(), java.util.Optional.empty(), "net.cnn", new PrintWriter(err));
        return err;
    }

    @Test
    void theModelNamesTheHistoryAndPlotOfItsRun() throws Exception {
        Path out = trainGood();
        var model = SafeTensors.read(out.resolve("model.safetensors"));
        assertEquals(TrainingResults.sha256(Files.readAllBytes(out.resolve("history.csv"))),
                model.metadata().get(TrainingResults.HISTORY_SHA256_KEY));
        assertEquals(TrainingResults.sha256(Files.readAllBytes(out.resolve("loss.png"))),
                model.metadata().get(TrainingResults.PLOT_SHA256_KEY));
    }

    private Path dataWith(int trainImages, int testImages) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data-" + trainImages + "-" + testImages));
        writeIdx(data.resolve("train-images-idx3-ubyte"), 0x803, trainImages, 28, 28);
        writeIdx(data.resolve("train-labels-idx1-ubyte"), 0x801, trainImages);
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), 0x803, testImages, 28, 28);
        writeIdx(data.resolve("t10k-labels-idx1-ubyte"), 0x801, testImages);
        return data;
    }

    private static void writeIdx(Path file, int magic, int count, int... dims) throws Exception {
        long size = 4 + 4L * (1 + dims.length) + (long) count * (dims.length == 0 ? 1 : dims[0] * dims[1]);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.putInt(magic).putInt(count);
        for (int d : dims) {
            b.putInt(d);
        }
        Files.write(file, b.array());
    }

    @Test
    void emptyDataSetsAreClearErrors() throws Exception {
        Run noTraining = run("train", cnn().toString(), "--data", dataWith(0, 5).toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, noTraining.code(), noTraining.err());
        assertTrue(noTraining.err().contains("the training set in " + dir.resolve("data-0-5") + " holds no images"), noTraining.err());
        assertFalse(Files.exists(dir.resolve("o")), "a failed run leaves no empty --out behind");
        Run noTest = run("train", cnn().toString(), "--data", dataWith(5, 0).toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, noTest.code(), noTest.err());
        assertTrue(noTest.err().contains("the test set in " + dir.resolve("data-5-0") + " holds no images"), noTest.err());
        Path out = trainGood();
        Run eval = run("eval", "--model", out.toString(), cnn().toString(), "--data", dir.resolve("data-5-0").toString());
        assertEquals(2, eval.code(), eval.out());
        assertFalse(eval.out().contains("accuracy"), eval.out());
    }

    @Test
    void threadCountsAreBounded() throws Exception {
        Run many = run("train", cnn().toString(), "--threads", "100000");
        assertEquals(2, many.code());
        assertTrue(many.err().startsWith("cnnc: --threads must be 1..1024 (this machine has "), many.err());
        Run negative = run("eval", "--model", dir.toString(), cnn().toString(), "--threads", "-5");
        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("--threads must be 1..1024"), negative.err());
    }
}
