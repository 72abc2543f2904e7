package cnnc.train;

/**
 * Reduce-on-plateau as Keras' {@code keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor,
 * patience, min_lr)} with its other defaults (mode "min", min_delta 1e-4, cooldown 0): an epoch
 * whose val_loss is not below the best by more than min_delta counts as waiting; after
 * {@code patience} such epochs in a row the rate becomes max(rate * factor, min) and the count
 * starts again. The new rate applies from the next epoch. A NaN val_loss never counts as better.
 */
final class ReduceOnPlateau implements LearningRateSchedule {
    static final double DEFAULT_FACTOR = 0.1;
    static final int DEFAULT_PATIENCE = 10;
    static final double MIN_DELTA = 1e-4;

    private final double factor;
    private final int patience;
    private final double min;
    private double current;
    private double best = Double.POSITIVE_INFINITY;
    private int wait;

    ReduceOnPlateau(double initial, double factor, int patience, double min) {
        this.current = initial;
        this.factor = factor;
        this.patience = patience;
        this.min = min;
    }

    @Override
    public double rate(int epoch) {
        return current;
    }

    @Override
    public void observe(int epoch, double valLoss) {
        if (valLoss < best - MIN_DELTA) {
            best = valLoss;
            wait = 0;
            return;
        }
        wait++;
        if (wait >= patience) {
            if (current > min) {
                current = Math.max(current * factor, min);
                wait = 0; // as Keras: only a reduction starts the count again
            }
        }
    }

    @Override
    public String describe() {
        return "plateau(factor=" + factor + ", patience=" + patience + ", min=" + min + ")";
    }
}
