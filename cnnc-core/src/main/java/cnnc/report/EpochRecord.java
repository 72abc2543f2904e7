package cnnc.report;

/**
 * What one epoch of training measured, as Keras' History records it. Validation values are NaN
 * when there was no validation data; {@code lr} is the learning rate the epoch trained with (NaN
 * where unknown).
 */
public record EpochRecord(int epoch, double loss, double accuracy, double valLoss, double valAccuracy, double seconds,
        double lr) {
    public EpochRecord {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs are numbered from 1, got " + epoch);
        }
    }

    public EpochRecord(int epoch, double loss, double accuracy, double valLoss, double valAccuracy, double seconds) {
        this(epoch, loss, accuracy, valLoss, valAccuracy, seconds, Double.NaN);
    }
}
