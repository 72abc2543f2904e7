package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import cnnc.io.SafeTensors;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, eval and predict on a folder of images per class and on MNIST-layout CSV files. */
class OwnDataCommandTest {
    @TempDir
    Path dir;

    @Test
    void anImageFolderSetTrainsEvaluatesAndPredictsWithItsClassNames() throws Exception {
        Path data = dir.resolve("colours");
        cnnc.data.DataSourcesTestAccess.colourFolders(data, 8);
        Path cnn = dir.resolve("colours.cnn");
        Files.writeString(cnn, "input 6x6x3\nconv 4 3x3 relu\nflatten\ndense 3 softmax\noptimizer adam lr 0.01\nepochs 15\nbatch 8\n");
        Path out = dir.resolve("out");
        Run train = run("train", cnn.toString(), "--data", data.toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.err().contains("on 24 images (validation: 24 test images)"), train.err());
        assertTrue(train.out().contains("test accuracy: 1.0000 (100.00%)"), "one colour per class is easy: " + train.out());
        assertEquals("ant\ncat\ndog", SafeTensors.read(out.resolve("model.safetensors")).metadata().get("class_names"));

        Run eval = run("eval", "--model", out.toString(), cnn.toString(), "--data", data.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("(24 images)"), eval.out());
        assertTrue(eval.out().contains("ant") && eval.out().contains("cat") && eval.out().contains("dog"), eval.out());

        var red = new BufferedImage(30, 30, BufferedImage.TYPE_INT_RGB);
        var g = red.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 30, 30);
        g.dispose();
        Path png = dir.resolve("red.png");
        ImageIO.write(red, "png", png.toFile());
        Run predict = run("predict", "--model", out.toString(), png.toString());
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().startsWith(png + ": cat (p="), predict.out());
        assertTrue(predict.out().contains("; then "), predict.out());
    }

    @Test
    void aVectorNetworkCannotReadImageFolders() throws Exception {
        Path data = dir.resolve("colours");
        cnnc.data.DataSourcesTestAccess.colourFolders(data, 1);
        Path cnn = dir.resolve("mlp.cnn");
        Files.writeString(cnn, "input 108\ndense 3 softmax\n");
        Run r = run("train", cnn.toString(), "--data", data.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("need an image input, HxWx1 or HxWx3, not 108"), r.err());
        assertFalse(r.err().contains("\tat "));
    }

    @Test
    void aCsvSetTrainsAndEvaluates() throws Exception {
        // 3x3 images: label 0 lights the top row, label 1 the bottom row
        var train = new StringBuilder("label,pixels...\n");
        for (int i = 0; i < 40; i++) {
            train.append(i % 2 == 0 ? "0,255,255,255,0,0,0,0,0,0\n" : "1,0,0,0,0,0,0,255,255,255\n");
        }
        Path data = Files.createDirectories(dir.resolve("csv"));
        Files.writeString(data.resolve("train.csv"), train);
        Files.writeString(data.resolve("test.csv"), "0,255,255,255,0,0,0,0,0,0\n1,0,0,0,0,0,0,255,255,255\n");
        Path cnn = dir.resolve("rows.cnn");
        Files.writeString(cnn, "input 3x3x1\nflatten\ndense 2 softmax\noptimizer adam lr 0.05\nepochs 10\nbatch 4\n");
        Path out = dir.resolve("out");
        Run r = run("train", cnn.toString(), "--data", data.toString(), "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("on 40 images (validation: 2 test images)"), r.err());
        assertTrue(r.out().contains("(100.00%)"), r.out());
        Run eval = run("eval", "--model", out.toString(), cnn.toString(), "--data", data.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("test accuracy: 1.0000 (2 images)"), eval.out());

        Files.writeString(data.resolve("test.csv"), "0,255,255,255,0,0,0,0,0,x\n");
        Run bad = run("eval", "--model", out.toString(), cnn.toString(), "--data", data.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("test.csv:1: field 10 is `x`, not a pixel value 0..255"), bad.err());
    }
}
