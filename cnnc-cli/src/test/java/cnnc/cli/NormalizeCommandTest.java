package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static cnnc.cli.TrainCommandTest.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import cnnc.data.Normalization;
import cnnc.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --normalize: the statistics go into the model, and eval, predict and built jars normalize with them. */
class NormalizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainKeepsTheStatisticsAndEveryReaderAppliesThem() throws Exception {
        Path cnn = Files.writeString(dir.resolve("norm.cnn"), "input 28x28x1\nflatten\ndense 10 softmax\n");
        Path out = dir.resolve("out");
        Run train = run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "2",
                "--normalize", "--threads", "1");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("Normalizing the input: mean="), train.out());
        String stored = SafeTensors.read(out.resolve("model.safetensors")).metadata().get(Normalization.METADATA_KEY);
        Normalization n = Normalization.fromMetadata(stored).orElseThrow();
        assertTrue(n.mean()[0] > 0.05f && n.mean()[0] < 0.25f && n.std()[0] > 0.2f && n.std()[0] < 0.45f, stored);

        // eval normalizes the test set as training did: the same test loss
        Run eval = run("eval", "--model", out.toString(), cnn.toString(), "--data", slice().toString(), "--threads", "1");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(testLoss(train.out()), testLoss(eval.out()));

        Path png = dir.resolve("digit.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        Run predict = run("predict", "--model", out.toString(), png.toString());
        assertEquals(0, predict.code(), predict.err());

        Path jar = dir.resolve("norm.jar");
        Run build = run("build", cnn.toString(), "--weights", out.toString(), "-o", jar.toString(), "--package", "test.norm");
        assertEquals(0, build.code(), build.err());
        try (var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass("test.norm.NormNetwork");
            Object network = type.getConstructor().newInstance();
            int digit = (int) type.getMethod("classify", float[].class).invoke(network, (Object) new float[784]);
            // predict printed the class the embedded network picks for the same (all black) image
            assertTrue(predict.out().contains("digit.png: " + digit + " "), predict.out() + " vs " + digit);
        }
    }

    private static String testLoss(String output) {
        Matcher m = Pattern.compile("Test loss: ([0-9.]+)").matcher(output);
        assertTrue(m.find(), output);
        return m.group(1);
    }
}
