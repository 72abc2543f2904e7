package cnnc.data;

import java.util.List;

/**
 * The training and test sets of one data set, images of the same size.
 *
 * @param classNames the name of each class, by label (an image folder's subfolders); empty where
 *     the labels are the names (MNIST's digits)
 */
public record TrainTest(Dataset train, Dataset test, List<String> classNames) {
    public TrainTest(Dataset train, Dataset test) {
        this(train, test, List.of());
    }

    public TrainTest {
        classNames = List.copyOf(classNames);
        if (train.height() != test.height() || train.width() != test.width() || train.classes() != test.classes()) {
            throw new IllegalArgumentException("training images are " + train.height() + "x" + train.width()
                    + " but test images are " + test.height() + "x" + test.width());
        }
    }
}
