package cnnc.data;

import cnnc.model.Shape;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What {@code --data DIR} names: image folders ({@code DIR/train/<class>/}), a CSV pair
 * ({@code DIR/train.csv}, {@code DIR/test.csv}), or else the four IDX files (MNIST's cache when
 * DIR is not given). Folder images and CSV rows are read at the network's input size.
 */
public final class DataSources {
    private DataSources() {}

    /** At the size of a network's input: HxWxC for a volume, a row of N values for a vector. */
    public static TrainTest load(Path dir, Shape input, PrintStream progress) {
        if (input instanceof Shape.Volume v) {
            return load(dir, v.height(), v.width(), v.channels(), progress);
        }
        return load(dir, 1, input.size(), 1, progress);
    }

    public static TrainTest load(Path dir, int height, int width, int channels, PrintStream progress) {
        if (ImageFolders.isLayout(dir)) {
            return ImageFolders.load(dir, height, width, channels);
        }
        if (CsvImages.isLayout(dir)) {
            return CsvImages.load(dir, height, width, channels);
        }
        return Mnist.load(dir, progress);
    }
}
