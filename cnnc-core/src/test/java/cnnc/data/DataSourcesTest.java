package cnnc.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders and MNIST-layout CSV files, built in a temporary folder. */
class DataSourcesTest {
    @TempDir
    Path dir;

    /** train/ and test/ with a folder per class, each image one colour: cat red, dog blue, ant green. */
    static void colourFolders(Path dir, int perClass) throws Exception {
        String[] classes = {"dog", "cat", "ant"};
        Color[] colours = {Color.BLUE, Color.RED, Color.GREEN};
        for (String split : new String[] {"train", "test"}) {
            for (int c = 0; c < classes.length; c++) {
                Path folder = Files.createDirectories(dir.resolve(split).resolve(classes[c]));
                for (int i = 0; i < perClass; i++) {
                    var image = new BufferedImage(10, 12, BufferedImage.TYPE_INT_RGB);
                    var g = image.createGraphics();
                    g.setColor(colours[c]);
                    g.fillRect(0, 0, 10, 12);
                    g.setColor(Color.GRAY);
                    g.fillRect(i % 10, 0, 1, 12); // a stripe, so the images differ
                    g.dispose();
                    ImageIO.write(image, "png", folder.resolve(String.format("%03d.png", i)).toFile());
                }
            }
        }
    }

    @Test
    void imageFoldersGiveSortedClassesAndImagesAtTheInputSize() throws Exception {
        colourFolders(dir, 4);
        Files.writeString(dir.resolve("train/cat/notes.txt"), "not an image");
        assertTrue(ImageFolders.isLayout(dir));
        TrainTest sets = DataSources.load(dir, 6, 5, 3, System.out);
        assertEquals(List.of("ant", "cat", "dog"), sets.classNames());
        Dataset train = sets.train();
        assertEquals(12, train.count());
        assertEquals(6 * 5 * 3, train.imageSize());
        assertEquals(3, train.classes());
        assertEquals(0, train.label(0), "ant's images come first");
        assertEquals(1, train.label(4));
        float[] cat = train.image(4);
        // pixel (5, 4), channels last: red, green, blue, away from the grey stripe
        int at = (5 * 5 + 4) * 3;
        assertEquals(1f, cat[at], 1e-6);
        assertEquals(0f, cat[at + 1], 1e-6);
        assertEquals(0f, cat[at + 2], 1e-6);
        TrainTest gray = DataSources.load(dir, 6, 5, 1, System.out);
        assertEquals(30, gray.train().imageSize());
        assertTrue(gray.train().image(8)[29] > 0.05f && gray.train().image(8)[29] < 0.5f, "blue as gray is dark, not black");
    }

    @Test
    void aTestClassTheTrainingSetLacksIsRefused() throws Exception {
        colourFolders(dir, 1);
        Files.createDirectories(dir.resolve("test/bee"));
        var e = assertThrows(DataException.class, () -> DataSources.load(dir, 4, 4, 3, System.out));
        assertEquals(dir.resolve("test/bee") + " is a class the training folders do not have (they have ant, cat, dog)", e.getMessage());
    }

    @Test
    void csvInTheMnistLayout() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "label,1x1,1x2,2x1,2x2\n2,0,255,0,255\n0,255,0,0,0\n1,0,0,51,0\n");
        Files.writeString(dir.resolve("test.csv"), "1,0,0,255,0\n");
        TrainTest sets = DataSources.load(dir, 2, 2, 1, System.out);
        assertEquals(3, sets.train().count());
        assertEquals(3, sets.train().classes(), "labels 0..2");
        assertEquals(List.of(), sets.classNames());
        assertEquals(2, sets.train().label(0));
        assertEquals(0.2f, sets.train().image(2)[2], 1e-6);
        assertEquals(1, sets.test().count());
    }

    @Test
    void aBadCsvLineIsNamedWithItsFileAndLine() throws Exception {
        Files.writeString(dir.resolve("train.csv"), "2,0,255,0,255\n0,255,0,0\n");
        Files.writeString(dir.resolve("test.csv"), "1,0,0,255,0\n");
        var fields = assertThrows(DataException.class, () -> DataSources.load(dir, 2, 2, 1, System.out));
        assertEquals(dir.resolve("train.csv") + ":2: 4 fields, but the label and the 4 values the network's input takes are 5",
                fields.getMessage());
        Files.writeString(dir.resolve("train.csv"), "2,0,256,0,255\n");
        var value = assertThrows(DataException.class, () -> DataSources.load(dir, 2, 2, 1, System.out));
        assertEquals(dir.resolve("train.csv") + ":1: field 3 is `256`, not a pixel value 0..255", value.getMessage());
    }
}
