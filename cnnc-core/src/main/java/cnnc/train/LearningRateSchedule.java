package cnnc.train;

import cnnc.model.ScheduleSettings;

/**
 * The learning rate for each epoch. Epochs are numbered from 1; {@link #rate} is asked at the
 * start of an epoch, {@link #observe} told the epoch's val_loss at its end (only reduce-on-plateau
 * listens). A schedule's state is a function of the val_losses it has been told, so a resumed run
 * rebuilds it by telling it the history again.
 */
public interface LearningRateSchedule {
    double rate(int epoch);

    default void observe(int epoch, double valLoss) {}

    /** e.g. {@code cosine(min=0.0)}. */
    String describe();

    /** The schedule the settings name, starting from {@code initial} over a run of {@code epochs}. */
    static LearningRateSchedule of(ScheduleSettings settings, double initial, int epochs) {
        var o = settings.options();
        return switch (settings.kind()) {
            case STEP -> new StepDecay(initial, (int) Math.round(o.get("every")), o.getOrDefault("factor", StepDecay.DEFAULT_FACTOR));
            case EXPONENTIAL -> new ExponentialDecay(initial, o.get("rate"));
            case COSINE -> new CosineAnnealing(initial, o.getOrDefault("min", 0.0), epochs);
            case PLATEAU -> new ReduceOnPlateau(initial, o.getOrDefault("factor", ReduceOnPlateau.DEFAULT_FACTOR),
                    (int) Math.round(o.getOrDefault("patience", (double) ReduceOnPlateau.DEFAULT_PATIENCE)),
                    o.getOrDefault("min", 0.0));
        };
    }
}
