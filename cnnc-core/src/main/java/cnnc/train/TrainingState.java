package cnnc.train;

import cnnc.report.History;

/**
 * Where a run stands after an epoch: all a resumed run needs to go on as if it had never stopped.
 * The shuffling and dropout generators are keyed by the seed, the epoch and the step, so the
 * epoch is their position; the order of the images is rebuilt by replaying the epochs' shuffles.
 * A schedule's and early stopping's counters are rebuilt from the history's val_losses, kept
 * exactly. The arrays are the live ones: write them out before training goes on.
 *
 * @param bestEpoch the epoch early stopping would keep, 0 without --patience
 * @param bestParams that epoch's weights, null without --patience
 */
public record TrainingState(int epoch, float[][] params, OptimizerState optimizer, History history, int bestEpoch,
        float[][] bestParams) {

    /** Why a run of {@code config} cannot go on from here ("stopped early ..."), or null when it can. */
    public String whyNotResumable(TrainingConfig config) {
        if (epoch >= config.epochs()) {
            return "it has trained " + epoch + " epoch" + (epoch == 1 ? "" : "s") + " already: give --epochs above "
                    + epoch + " to train on";
        }
        if (config.patience() > 0) {
            var early = new EarlyStopping(config.patience());
            early.resume(history, bestParams);
            if (early.stopped()) {
                return "it stopped early after epoch " + epoch + " (val_loss had not improved for " + config.patience()
                        + " epochs; the best was epoch " + early.bestEpoch() + ")";
            }
        }
        return null;
    }
}
