package cnnc.data;

import cnnc.io.IoReasons;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image file (PNG, or anything ImageIO reads) as an MNIST-style input: grayscale in
 * [0, 1], resized to the network's input, white digit on black. A picture with a light border
 * is taken to be a dark digit on paper and inverted.
 */
public final class PngImages {
    /** 40 million pixels: a large camera photo; a picture several times that size is hostile or a mistake. */
    static final long MAX_PIXELS = 40_000_000L;

    private PngImages() {}

    /** @param inverted whether the picture was dark-on-light and so was inverted */
    public record Pixels(float[] values, boolean inverted, int originalWidth, int originalHeight) {}

    /** An RGB input, as image folders are read: resized, channels last, values / 255, never inverted. */
    public static Pixels readRgb(Path file, int height, int width) {
        BufferedImage image = decode(file);
        float[] values = new float[height * width * 3];
        ImageFolders.draw(image, height, width, 3, values, 0);
        return new Pixels(values, false, image.getWidth(), image.getHeight());
    }

    public static Pixels read(Path file, int height, int width) {
        BufferedImage image = decode(file);
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

    // The declared size is checked before decoding: a small file may claim 23000x23000 pixels.
    static BufferedImage decode(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataException(file + " is a directory, not an image");
        }
        if (!Files.exists(file)) {
            throw new DataException("cannot read " + file + ": no such file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new DataException("cannot read " + file);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataException(file + " is not an image ImageIO can read (use PNG)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new DataException(file + " is " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels, more than "
                            + MAX_PIXELS / 1_000_000 + " million; scale it down first (the network sees it at a few dozen pixels)");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw new DataException("cannot read " + file + ": " + (e instanceof IOException io ? IoReasons.of(io) : "the image is corrupt ("
                    + e.getClass().getSimpleName() + ")"));
        }
    }
}
