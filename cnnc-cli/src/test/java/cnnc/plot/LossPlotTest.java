package cnnc.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import cnnc.report.EpochRecord;
import cnnc.report.History;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {
    @TempDir
    Path dir;

    @Test
    void writesAPngOfTheExpectedSize() throws IOException {
        History history = History.empty();
        for (int e = 1; e <= 12; e++) {
            double loss = 0.4 * Math.exp(-0.3 * e) + 0.03;
            history = history.with(new EpochRecord(e, loss, 1 - loss / 3, loss + 0.02, 0.99 - loss / 3, 8));
        }
        Path png = dir.resolve("loss.png");
        LossPlot.write(png, history, "examples/lab.cnn");
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image);
        assertEquals(LossPlot.WIDTH, image.getWidth());
        assertEquals(LossPlot.HEIGHT, image.getHeight());
        assertEquals(List.of("loss.png"), List.of(dir.toFile().list()));
        // The two curve colours are drawn somewhere in each half.
        assertEquals(true, hasColour(image, 0, LossPlot.WIDTH / 2, 0x1f77b4));
        assertEquals(true, hasColour(image, LossPlot.WIDTH / 2, LossPlot.WIDTH, 0xff7f0e));
    }

    @Test
    void copesWithOneEpochNoValidationAndNoEpochs() {
        History one = History.empty().with(new EpochRecord(1, 0.5, 0.8, Double.NaN, Double.NaN, 3));
        BufferedImage image = LossPlot.render(one, "one epoch", 800, 400);
        assertEquals(800, image.getWidth());
        assertEquals(false, hasColour(image, 0, 800, 0xff7f0e)); // no validation curve
        BufferedImage empty = LossPlot.render(History.empty(), "nothing yet", 600, 300);
        assertNotEquals(0, empty.getRGB(0, 0));
    }

    private static boolean hasColour(BufferedImage image, int fromX, int toX, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }
}
