package cnnc.data;

import java.io.PrintStream;
import java.nio.file.Path;

/** Loads MNIST (or any data set in its format, such as Fashion-MNIST) into memory. */
public final class Mnist {
    private Mnist() {}

    public static TrainTest load(MnistFiles files) {
        Dataset train = IdxReader.read(files.trainImages(), files.trainLabels());
        Dataset test = IdxReader.read(files.testImages(), files.testLabels());
        if (train.height() != test.height() || train.width() != test.width()) {
            throw new DataException("the training images (" + files.trainImages() + ") are " + train.height() + "x"
                    + train.width() + " but the test images (" + files.testImages() + ") are " + test.height() + "x"
                    + test.width() + "; they must be the same size");
        }
        return new TrainTest(train, test);
    }

    /** {@link MnistFiles#locate} then {@link #load(MnistFiles)}: the train command's data step. */
    public static TrainTest load(Path dataDir, PrintStream progress) {
        return load(MnistFiles.locate(dataDir, progress));
    }
}
