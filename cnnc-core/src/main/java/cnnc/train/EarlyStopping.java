package cnnc.train;

import cnnc.report.EpochRecord;
import cnnc.report.History;

/**
 * Early stopping as Keras' {@code keras.callbacks.EarlyStopping(monitor="val_loss", patience,
 * restore_best_weights=True)} with min_delta 0: an epoch improves when its val_loss is below the best
 * so far; training stops after {@code patience} epochs in a row without improving. Unlike Keras,
 * which restores the best weights only when it stops early, the best epoch is kept also when the
 * run reaches its last epoch, so the saved model is always the best one seen.
 */
final class EarlyStopping {
    private final int patience;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private float[][] bestParams;
    private int wait;

    EarlyStopping(int patience) {
        this.patience = patience;
    }

    /** Takes the end of an epoch; returns true when training should stop. */
    boolean observe(int epoch, double valLoss, float[][] params) {
        if (valLoss < bestLoss) {
            bestLoss = valLoss;
            bestEpoch = epoch;
            bestParams = copy(params);
            wait = 0;
            return false;
        }
        wait++;
        return wait >= patience;
    }

    /**
     * Continues a resumed run: the val_losses of its history replayed (they decide the best epoch
     * and the count), then the best epoch's weights as the checkpoint kept them.
     */
    void resume(History history, float[][] savedBest) {
        for (EpochRecord e : history.epochs()) {
            if (e.valLoss() < bestLoss) {
                bestLoss = e.valLoss();
                bestEpoch = e.epoch();
                wait = 0;
            } else {
                wait++;
            }
        }
        bestParams = savedBest;
    }

    /** Whether the run had already stopped: as many epochs without improvement as the patience. */
    boolean stopped() {
        return bestEpoch > 0 && wait >= patience;
    }

    /** The epoch whose weights {@link #bestParams} holds, 0 before any improved. */
    int bestEpoch() {
        return bestEpoch;
    }

    double bestLoss() {
        return bestLoss;
    }

    float[][] bestParams() {
        return bestParams;
    }

    int waited() {
        return wait;
    }

    static float[][] copy(float[][] params) {
        float[][] out = new float[params.length][];
        for (int t = 0; t < params.length; t++) {
            out[t] = params[t].clone();
        }
        return out;
    }
}
