package cnnc.data;

import cnnc.io.IoReasons;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A data set as folders of images, one subfolder per class, as Keras' image_dataset_from_directory
 * reads them: {@code DIR/train/<class>/*.png|jpg} and {@code DIR/test/<class>/*.png|jpg}. The
 * classes are the training subfolders' names, sorted; each image is drawn at the network's input
 * size (bilinear) in grayscale or RGB by its channel count, values / 255. Files are taken in name
 * order, so the same folders give the same data set.
 */
public final class ImageFolders {
    private ImageFolders() {}

    /** Whether {@code dir} is laid out as image folders (it has a {@code train} folder). */
    public static boolean isLayout(Path dir) {
        return dir != null && Files.isDirectory(dir.resolve("train"));
    }

    public static TrainTest load(Path dir, int height, int width, int channels) {
        if (channels != 1 && channels != 3) {
            throw new DataException("images are read as grayscale (input HxWx1) or RGB (HxWx3), not " + channels + " channels");
        }
        List<String> classes = subfolders(dir.resolve("train"));
        if (classes.size() < 2) {
            throw new DataException(dir.resolve("train") + " holds " + classes.size() + " class folder" + (classes.size() == 1 ? "" : "s")
                    + "; a classifier needs at least two, one folder of images per class");
        }
        Path testDir = dir.resolve("test");
        if (!Files.isDirectory(testDir)) {
            throw new DataException(dir + " has a train folder but no test folder (" + testDir + "), with the same class folders");
        }
        for (String name : subfolders(testDir)) {
            if (!classes.contains(name)) {
                throw new DataException(testDir.resolve(name) + " is a class the training folders do not have (they have "
                        + String.join(", ", classes) + ")");
            }
        }
        Dataset train = read(dir.resolve("train"), classes, height, width, channels);
        Dataset test = read(testDir, classes, height, width, channels);
        return new TrainTest(train, test, classes);
    }

    private static Dataset read(Path split, List<String> classes, int height, int width, int channels) {
        var files = new ArrayList<Path>();
        var labels = new ArrayList<Integer>();
        for (int c = 0; c < classes.size(); c++) {
            Path folder = split.resolve(classes.get(c));
            if (!Files.isDirectory(folder)) {
                continue;
            }
            for (Path image : images(folder)) {
                files.add(image);
                labels.add(c);
            }
        }
        int size = height * width * channels;
        float[] values = new float[Math.multiplyExact(files.size(), size)];
        int[] labelArray = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            draw(PngImages.decode(files.get(i)), height, width, channels, values, i * size);
            labelArray[i] = labels.get(i);
        }
        return new Dataset(values, labelArray, files.size(), height, width, channels, classes.size());
    }

    /** The image drawn at height x width, channels last, values / 255, into {@code out} from {@code at}. */
    static void draw(BufferedImage image, int height, int width, int channels, float[] out, int at) {
        var canvas = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, Color.BLACK, null);
        } finally {
            g.dispose();
        }
        var raster = canvas.getRaster();
        int k = at;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    out[k++] = (raster.getSample(x, y, c) & 0xFF) / 255f;
                }
            }
        }
    }

    private static List<String> subfolders(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            var names = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            for (String name : names) {
                if (name.contains("\n") || name.contains("\r")) {
                    throw new DataException(dir + " has a class folder whose name holds a line break");
                }
            }
            return names;
        } catch (IOException e) {
            throw new DataException("cannot read " + dir + ": " + IoReasons.of(e));
        }
    }

    private static List<Path> images(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
            }).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot read " + folder + ": " + IoReasons.of(e));
        }
    }
}
