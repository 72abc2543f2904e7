package cnnc.data;

/** The training and test sets of one data set, images of the same size. */
public record TrainTest(Dataset train, Dataset test) {
    public TrainTest {
        if (train.height() != test.height() || train.width() != test.width() || train.classes() != test.classes()) {
            throw new IllegalArgumentException("training images are " + train.height() + "x" + train.width()
                    + " but test images are " + test.height() + "x" + test.width());
        }
    }
}
