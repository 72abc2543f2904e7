package cnnc.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads an image file (PNG, or anything ImageIO reads) as an MNIST-style input: grayscale in
 * [0, 1], resized to the network's input, white digit on black. A picture with a light border
 * is taken to be a dark digit on paper and inverted.
 */
public final class PngImages {
    private PngImages() {}

    /** @param inverted whether the picture was dark-on-light and so was inverted */
    public record Pixels(float[] values, boolean inverted, int originalWidth, int originalHeight) {}

    public static Pixels read(Path file, int height, int width) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage());
        }
        if (image == null) {
            throw new DataException(file + " is not an image ImageIO can read (use PNG)");
        }
        BufferedImage gray = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        float[] values = new float[height * width];
        double border = 0;
        int borderCount = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = (gray.getRaster().getSample(x, y, 0) & 0xFF) / 255f;
                values[y * width + x] = v;
                if (y == 0 || x == 0 || y == height - 1 || x == width - 1) {
                    border += v;
                    borderCount++;
                }
            }
        }
        boolean invert = border / borderCount > 0.5;
        if (invert) {
            for (int i = 0; i < values.length; i++) {
                values[i] = 1 - values[i];
            }
        }
        return new Pixels(values, invert, image.getWidth(), image.getHeight());
    }
}
