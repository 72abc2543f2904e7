package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, eval and predict end to end on the MNIST slice, through the command line. */
class TrainCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static Path slice() throws Exception {
        return CliRun.mnistSlice();
    }

    @Test
    void trainWritesModelHistoryAndPlotThenEvalAndPredictUseThem(@TempDir Path dir) throws Exception {
        Path cnn = dir.resolve("small.cnn");
        Files.writeString(cnn, "input 28x28x1\nconv 4 3x3 relu\npool 2x2\nflatten\ndense 10 softmax\nepochs 2\nbatch 50\n");
        Path out = dir.resolve("out");
        Run train = run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--threads", "2");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.err().contains("Epoch 2/2"), train.err());
        assertTrue(train.err().matches("(?s).*40/40 - [0-9.]+s - loss: [0-9.]+ - accuracy: [0-9.]+ - val_loss: [0-9.]+ - val_accuracy: [0-9.]+\n.*"),
                train.out());
        assertTrue(train.out().contains("Test loss: "), train.out());
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,seconds,lr", history.get(0));
        assertTrue(history.get(1).endsWith(",0.001"), "rmsprop's default rate: " + history.get(1));
        assertEquals(3, history.size());
        BufferedImage plot = ImageIO.read(out.resolve("loss.png").toFile());
        assertTrue(plot.getWidth() > 0);

        Run eval = run("eval", "--model", out.toString(), cnn.toString(), "--data", slice().toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("(500 images)"), eval.out());
        assertTrue(eval.out().contains("true\\pred"), eval.out());

        // a test digit as a PNG, dark on light as people draw them
        var data = cnnc.data.Mnist.load(cnnc.data.MnistFiles.in(slice())).test();
        float[] pixels = data.image(0);
        var image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 784; i++) {
            image.getRaster().setSample(i % 28, i / 28, 0, 255 - Math.round(pixels[i] * 255));
        }
        Path png = dir.resolve("digit.png");
        ImageIO.write(image, "png", png.toFile());
        Run predict = run("predict", "--model", out.toString(), png.toString());
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().startsWith(png + ": "), predict.out());
        assertTrue(predict.out().contains("(inverted"), predict.out());
    }

    @Test
    void initFromCopiesTheMatchingLayersAndFreezeKeepsThem(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.cnn");
        Files.writeString(base, "input 28x28x1\nconv 4 3x3 relu\npool 2x2\nflatten\ndense 10 softmax\n");
        Path first = dir.resolve("first");
        assertEquals(0, run("train", base.toString(), "--data", slice().toString(), "--out", first.toString(),
                "--epochs", "1", "--limit", "300").code());
        // same conv, frozen; a new head of another size
        Path transfer = dir.resolve("transfer.cnn");
        Files.writeString(transfer, "input 28x28x1\nconv 4 3x3 relu freeze\npool 2x2\nflatten\ndense 16 relu\ndense 10 softmax\n");
        Path second = dir.resolve("second");
        Run r = run("train", transfer.toString(), "--data", slice().toString(), "--out", second.toString(), "--epochs", "1",
                "--limit", "300", "--init-from", first.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conv1.weight: copied (frozen)"), r.out());
        assertTrue(r.out().contains("dense1.weight: shape [10, 676] in the file, [16, 676] here, initialised fresh"), r.out());
        var a = cnnc.io.SafeTensors.read(first.resolve("model.safetensors"));
        var b = cnnc.io.SafeTensors.read(second.resolve("model.safetensors"));
        assertEquals(a.tensor("conv1.weight"), b.tensor("conv1.weight"), "the frozen, copied layer is unchanged");
    }

    @Test
    void aTruncatedModelFileIsAClearErrorNotAStackTrace(@TempDir Path dir) throws Exception {
        Path cnn = dir.resolve("small.cnn");
        Files.writeString(cnn, "input 28x28x1\nflatten\ndense 10 softmax\n");
        Path out = dir.resolve("out");
        assertEquals(0, run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "1",
                "--limit", "100").code());
        Path model = out.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        Run eval = run("eval", "--model", out.toString(), cnn.toString(), "--data", slice().toString());
        assertEquals(2, eval.code());
        assertTrue(eval.err().startsWith("cnnc: "), eval.err());
        assertTrue(eval.err().contains("model.safetensors"), eval.err());
        assertFalse(eval.err().contains("\tat "), "no stack trace: " + eval.err());
    }

    @Test
    void aCorruptDataFileIsAClearError(@TempDir Path dir) throws Exception {
        for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(slice().resolve(name), dir.resolve(name));
        }
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
        Run train = run("train", "examples/lab.cnn", "--data", dir.toString(), "--epochs", "1", "--out", dir.resolve("o").toString());
        assertEquals(2, train.code());
        assertTrue(train.err().contains("t10k-labels-idx1-ubyte.gz"), train.err());
        assertFalse(train.err().contains("\tat "), train.err());
    }

    @Test
    void badFlagsAreUsageErrors() {
        Run r = run("train", "examples/lab.cnn", "--epochs", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--epochs must be at least 1"), r.err());
        Run s = run("train", "examples/lab.cnn", "--batch", "many");
        assertEquals(2, s.code());
        Run b = run("train", "examples/lab.cnn", "--backend", "gpu");
        assertEquals(2, b.code());
        assertTrue(b.err().contains("--backend must be scalar or vector, not gpu"), b.err());
    }

    @Test
    void theVectorBackendTrainsToo(@TempDir Path dir) throws Exception {
        Run r = run("train", "examples/lab.cnn", "--backend", "vector", "--data", slice().toString(), "--epochs", "1",
                "--limit", "512", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    }

    /** Fast by default: the vector backend where the module is there, else plain Java with a note saying so once. */
    @Test
    void theDefaultBackendIsTheFastestThisJavaHas() {
        var err = new StringWriter();
        assertEquals(cnnc.codegen.Backend.VECTOR, TrainCommand.fastestAvailable(true, new PrintWriter(err, true)));
        assertEquals("", err.toString());
        assertEquals(cnnc.codegen.Backend.SCALAR, TrainCommand.fastestAvailable(false, new PrintWriter(err, true)));
        assertTrue(err.toString().startsWith("cnnc: note: this Java was started without jdk.incubator.vector"), err.toString());
        assertEquals(1, err.toString().split("\n").length, err.toString());
    }
}
