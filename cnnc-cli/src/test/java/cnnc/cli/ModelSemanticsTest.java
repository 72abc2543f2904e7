package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static cnnc.cli.TrainCommandTest.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import cnnc.io.SafeTensors;
import cnnc.io.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What train, eval and predict report means the same everywhere. */
class ModelSemanticsTest {
    private static final Pattern TEST_LOSS = Pattern.compile("Test loss: ([0-9.]+)( \\(with the l1/l2 penalty, as Keras reports it\\))?");

    @TempDir
    Path dir;

    private Path png() throws Exception {
        Path png = dir.resolve("digit.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        return png;
    }

    @Test
    void evalReportsTheTestLossTrainReportedPenaltyIncluded() throws Exception {
        Path cnn = Files.writeString(dir.resolve("l2.cnn"), "input 28x28x1\nflatten\ndense 16 relu l2 0.01\ndense 10 softmax\n");
        Path out = dir.resolve("out");
        Run train = run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "1", "--limit", "200");
        assertEquals(0, train.code(), train.err());
        Run eval = run("eval", "--model", out.toString(), cnn.toString(), "--data", slice().toString());
        assertEquals(0, eval.code(), eval.err());
        Matcher t = TEST_LOSS.matcher(train.out());
        Matcher e = TEST_LOSS.matcher(eval.out());
        assertTrue(t.find() && e.find(), train.out() + eval.out());
        assertEquals(t.group(1), e.group(1), "the same figure in both");
        assertTrue(t.group(2) != null && e.group(2) != null, "both say the penalty is in it");
    }

    @Test
    void predictTakesTheNetworkFileForAModelWithoutItsSource() throws Exception {
        Path cnn = Files.writeString(dir.resolve("net.cnn"), "input 28x28x1\nflatten\ndense 10 softmax\n");
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("dense1.weight", new Tensor(new int[] {10, 784}, new float[7840]));
        tensors.put("dense1.bias", new Tensor(new int[] {10}, new float[] {0, 0, 0, 5, 0, 0, 0, 0, 0, 0}));
        Path model = dir.resolve("foreign.safetensors");
        SafeTensors.write(model, tensors, Map.of("format", "pt"));
        Run without = run("predict", "--model", model.toString(), png().toString());
        assertEquals(2, without.code());
        assertTrue(without.err().contains("give the .cnn file it was trained from with --network FILE"), without.err());
        Run with = run("predict", "--model", model.toString(), "--network", cnn.toString(), png().toString());
        assertEquals(0, with.code(), with.err());
        assertTrue(with.out().startsWith(dir.resolve("digit.png") + ": 3 (p="), with.out());
    }

    @Test
    void theBinaryClassifiersPositiveClassIsChosenKeptAndNamed() throws Exception {
        Path cnn = Files.writeString(dir.resolve("sevens.cnn"), "input 28x28x1\nflatten\ndense 1 sigmoid\n");
        Path out = dir.resolve("out");
        Run train = run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "1",
                "--limit", "300", "--positive-class", "7");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("Positive class: digit 7"), train.out());
        assertEquals("7", SafeTensors.read(out.resolve("model.safetensors")).metadata().get("positive_class"));
        Run eval = run("eval", "--model", out.toString(), cnn.toString(), "--data", slice().toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("Positive class: digit 7"), eval.out());
        assertTrue(eval.out().contains("\nnot 7 "), eval.out());
        assertTrue(eval.out().contains("\nis 7 "), eval.out());
        Run predict = run("predict", "--model", out.toString(), png().toString());
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().matches("(?s).*digit\\.png: (7|not 7) \\(p=[0-9.]+ that it is a 7\\).*"), predict.out());
        // the embedded class says so too, in a constant and in its Javadoc
        Path jar = dir.resolve("sevens.jar");
        Run build = run("build", cnn.toString(), "--weights", out.resolve("model.safetensors").toString(), "-o", jar.toString(),
                "--package", "test.sevens");
        assertEquals(0, build.code(), build.err());
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
                var file = new java.util.jar.JarFile(jar.toFile())) {
            assertEquals(7, loader.loadClass("test.sevens.SevensNetwork").getField("POSITIVE_CLASS").getInt(null));
            String source = new String(file.getInputStream(file.getEntry("test/sevens/SevensNetwork.java")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(source.replaceAll("\\s*\n\\s*\\* ", " ").contains("the probability that the input is of class 7"), source);
        }
        Path fours = Files.writeString(dir.resolve("fours.cnn"), "input 28x28x1\nflatten\ndense 1 sigmoid\npositive 4\n");
        Path fromFile = dir.resolve("from-file");
        Run byFile = run("train", fours.toString(), "--data", slice().toString(), "--out", fromFile.toString(), "--epochs", "1",
                "--limit", "100");
        assertEquals(0, byFile.code(), byFile.err());
        assertEquals("4", SafeTensors.read(fromFile.resolve("model.safetensors")).metadata().get("positive_class"));
        Run notBinary = run("train", "examples/lab.cnn", "--positive-class", "3");
        assertEquals(2, notBinary.code());
        assertTrue(notBinary.err().contains("--positive-class applies only to a network that ends in `dense 1 sigmoid`"),
                notBinary.err());
        Run outOfRange = run("train", cnn.toString(), "--positive-class", "10");
        assertEquals(2, outOfRange.code());
        assertTrue(outOfRange.err().contains("--positive-class must be a class 0..9, not 10"), outOfRange.err());
    }
}
