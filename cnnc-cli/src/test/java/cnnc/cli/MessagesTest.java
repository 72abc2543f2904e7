package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static cnnc.cli.TrainCommandTest.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.cli.TrainCommandTest.Run;
import cnnc.diag.SourceFile;
import cnnc.io.ModelFileException;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.io.Tensor;
import cnnc.train.ModelFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or mistaken input gets a short, clear message: no hang, no flood, no stack trace. */
class MessagesTest {
    @TempDir
    Path dir;

    @Test
    void checkGoesOnAfterAMissingFile() {
        Run r = run("check", dir.resolve("missing.cnn").toString(), "examples/mlp.cnn");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cannot read " + dir.resolve("missing.cnn") + ": no such file"), r.err());
        assertTrue(r.out().contains("examples/mlp.cnn: ok"), r.out());
    }

    @Test
    void anEndlessFileIsNoNetwork() {
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("check", "/dev/zero"));
        assertEquals(2, r.code());
        assertEquals("cnnc: cannot read /dev/zero: it is larger than 1 MB, which no .cnn file needs; is it the right file?\n", r.err());
    }

    @Test
    void aMegabyteNumberIsCheckedFastAndQuotedShort() throws Exception {
        Path cnn = Files.writeString(dir.resolve("big.cnn"), "input 28x28x1\nconv " + "9".repeat(1_000_000) + " 3x3\nflatten\ndense 10 softmax\n");
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> run("check", cnn.toString()));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error: the number of filters 999999999999999999999999… (1,000,000 characters) is too large"), r.err());
        assertTrue(r.err().length() < 1000, "echo of " + r.err().length() + " characters");
    }

    @Test
    void permissionProblemsSayTheReason() {
        assertEquals("permission denied", cnnc.io.IoReasons.of(new java.nio.file.AccessDeniedException("/x/y")));
        assertEquals("no such file or directory", cnnc.io.IoReasons.of(new java.nio.file.NoSuchFileException("/x/y")));
        assertEquals("the file ends too early", cnnc.io.IoReasons.of(new java.io.EOFException()));
    }

    @Test
    void aModelOfManyTensorsIsNamedInAShortMessage() {
        var tensors = new LinkedHashMap<String, Tensor>();
        for (int i = 0; i < 20_000; i++) {
            tensors.put("layer" + i + ".weight", new Tensor(new int[] {1}, new float[1]));
        }
        var file = new SafeTensorsFile(tensors, Map.of());
        var network = Frontend.compile(new SourceFile("net.cnn", "input 4\ndense 2 softmax\n")).network().orElseThrow();
        var e = assertThrows(ModelFileException.class, () -> ModelFiles.load(file, "many.safetensors", network));
        assertTrue(e.getMessage().contains("(it holds layer0.weight, layer1.weight"), e.getMessage());
        assertTrue(e.getMessage().endsWith("layer9.weight and 19,990 more)"), e.getMessage());
    }

    @Test
    void evalPrintsTheNetworksWarningOnce() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, run("train", "examples/lab.cnn", "--data", slice().toString(), "--out", out.toString(), "--epochs", "1",
                "--limit", "64").code());
        Run eval = run("eval", "--model", out.toString(), "examples/lab.cnn", "--data", slice().toString());
        assertEquals(0, eval.code(), eval.err());
        String all = eval.out() + eval.err();
        assertEquals(all.indexOf("warning: `pool 2x2`"), all.lastIndexOf("warning: `pool 2x2`"), all);
    }

    @Test
    void aDirectoryIsNoImage() throws Exception {
        Path model = trainedModel();
        Run r = run("predict", "--model", model.toString(), dir.toString());
        assertEquals(2, r.code());
        assertEquals("cnnc: " + dir + " is a directory, not an image\n", r.err());
    }

    @Test
    void anImageDeclaringAHugeSizeIsRefusedBeforeDecoding() throws Exception {
        Path model = trainedModel();
        Path png = Files.write(dir.resolve("huge.png"), pngHeader(23_000, 23_000));
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("predict", "--model", model.toString(), png.toString()));
        assertEquals(2, r.code());
        assertTrue(r.err().contains(png + " is 23000x23000 pixels, more than 40 million; scale it down first"), r.err());
    }

    @Test
    void aModelWhoseSourceIsTooLargeForMemoryIsAClearError() throws Exception {
        var network = Frontend.compile(new SourceFile("huge.cnn", "input 46000x46000x1\npool 1000x1000\nflatten\ndense 1 sigmoid\n"))
                .network().orElseThrow();
        Path model = dir.resolve("huge.safetensors");
        ModelFiles.save(model, network, new float[][] {new float[46 * 46], new float[1]}); // 17 GB of activations
        Run r = run("predict", "--model", model.toString(), dir.resolve("any.png").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("huge.safetensors#cnn_source needs about"), r.err());
        assertTrue(r.err().contains("of memory for prediction, more than the"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aNetworkTooDeepForOneClassIsADiagnostic() throws Exception {
        Path cnn = Files.writeString(dir.resolve("deep.cnn"), "input 28x28x1\nflatten\n" + "dense 4 relu\n".repeat(1500) + "dense 10 softmax\n");
        Run r = run("train", cnn.toString(), "--data", slice().toString(), "--out", dir.resolve("out").toString(), "--epochs", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(cnn + ":1503:1: error: the network's 1,502 layers do not fit in one Java class: javac says"), r.err());
        assertTrue(r.err().contains("help: use fewer layers"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aNetworkTooDeepForTheJitIsADiagnosticOnItsLastLayer() throws Exception {
        Path cnn = Files.writeString(dir.resolve("deep.cnn"), "input 28x28x1\nflatten\n" + "dense 4 relu\n".repeat(300) + "dense 10 softmax\n");
        Run r = run("train", cnn.toString(), "--data", slice().toString(), "--out", dir.resolve("out").toString(), "--epochs", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(cnn + ":303:1: error: the network's 302 layers make the generated method <init> "), r.err());
        assertTrue(r.err().contains("help: use fewer layers"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private Path trainedModel() throws Exception {
        Path out = dir.resolve("model");
        Path cnn = Files.writeString(dir.resolve("net.cnn"), "input 28x28x1\nflatten\ndense 10 softmax\n");
        assertEquals(0, run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "1",
                "--limit", "64").code());
        return out;
    }

    /** A PNG signature and IHDR chunk that declare a size; no pixel data follows. */
    static byte[] pngHeader(int width, int height) throws Exception {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        var chunk = new ByteArrayOutputStream();
        var c = new DataOutputStream(chunk);
        c.write("IHDR".getBytes(StandardCharsets.US_ASCII));
        c.writeInt(width);
        c.writeInt(height);
        c.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grayscale
        byte[] typeAndData = chunk.toByteArray();
        out.writeInt(typeAndData.length - 4);
        out.write(typeAndData);
        var crc = new CRC32();
        crc.update(typeAndData);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
