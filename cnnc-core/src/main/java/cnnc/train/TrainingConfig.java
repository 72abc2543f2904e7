package cnnc.train;

import cnnc.ast.OptimizerKind;
import cnnc.model.ScheduleSettings;
import cnnc.model.TrainingSettings;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a training run needs to know: the .cnn file's settings, overridden by the command
 * line, with defaults for what neither says (RMSprop with Keras' defaults, as in the course lab).
 *
 * @param validationSplit the fraction of the training images held out for validation; 0: validate on the test set
 * @param patience epochs without a better val_loss before training stops; 0: never stop early
 * @param schedule the learning-rate schedule; empty: the optimizer's rate throughout
 */
public record TrainingConfig(int epochs, int batch, long seed, int threads, OptimizerKind optimizer,
        Map<String, Double> optimizerOptions, int limit, int positiveClass, double validationSplit, int patience,
        Optional<ScheduleSettings> schedule) {

    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_BATCH = 32;
    public static final long DEFAULT_SEED = 1;

    public TrainingConfig {
        optimizerOptions = Map.copyOf(optimizerOptions);
        if (epochs < 1 || batch < 1 || threads < 1) {
            throw new IllegalArgumentException("epochs, batch and threads must be at least 1");
        }
        if (!(validationSplit >= 0 && validationSplit < 1) || patience < 0) {
            throw new IllegalArgumentException("validation split must be in [0, 1) and patience at least 0");
        }
    }

    /** A run whose binary classifier, if any, learns digit 0 against the rest, without the workflow options. */
    public TrainingConfig(int epochs, int batch, long seed, int threads, OptimizerKind optimizer,
            Map<String, Double> optimizerOptions, int limit) {
        this(epochs, batch, seed, threads, optimizer, optimizerOptions, limit, 0, 0, 0, Optional.empty());
    }

    /** The same run with another positive class for a single sigmoid unit. */
    public TrainingConfig withPositiveClass(int digit) {
        return new TrainingConfig(epochs, batch, seed, threads, optimizer, optimizerOptions, limit, digit,
                validationSplit, patience, schedule);
    }

    public TrainingConfig withValidationSplit(double fraction) {
        return new TrainingConfig(epochs, batch, seed, threads, optimizer, optimizerOptions, limit, positiveClass,
                fraction, patience, schedule);
    }

    public TrainingConfig withPatience(int epochsWithoutImprovement) {
        return new TrainingConfig(epochs, batch, seed, threads, optimizer, optimizerOptions, limit, positiveClass,
                validationSplit, epochsWithoutImprovement, schedule);
    }

    public TrainingConfig withSchedule(Optional<ScheduleSettings> newSchedule) {
        return new TrainingConfig(epochs, batch, seed, threads, optimizer, optimizerOptions, limit, positiveClass,
                validationSplit, patience, newSchedule);
    }

    public TrainingConfig withOptimizer(OptimizerKind kind, Map<String, Double> options) {
        return new TrainingConfig(epochs, batch, seed, threads, kind, options, limit, positiveClass,
                validationSplit, patience, schedule);
    }

    public TrainingConfig withEpochs(int count) {
        return new TrainingConfig(count, batch, seed, threads, optimizer, optimizerOptions, limit, positiveClass,
                validationSplit, patience, schedule);
    }

    /**
     * Merges the file's settings with command-line overrides; null where the flag was not given.
     * Options of the file's optimizer carry over only when the command line keeps that optimizer.
     */
    public static TrainingConfig resolve(TrainingSettings file, Overrides flags) {
        OptimizerKind fileKind = file.optimizer().orElse(OptimizerKind.RMSPROP);
        OptimizerKind kind = flags.optimizer() != null ? flags.optimizer() : fileKind;
        var options = new java.util.HashMap<String, Double>(kind == fileKind ? file.optimizerOptions() : Map.of());
        options.putAll(flags.optimizerOptions());
        return new TrainingConfig(
                flags.epochs() != null ? flags.epochs() : file.epochs().orElse(DEFAULT_EPOCHS),
                flags.batch() != null ? flags.batch() : file.batch().orElse(DEFAULT_BATCH),
                flags.seed() != null ? flags.seed() : file.seed().orElse(DEFAULT_SEED),
                flags.threads() != null ? flags.threads() : Runtime.getRuntime().availableProcessors(),
                kind,
                options,
                flags.limit() != null ? flags.limit() : 0,
                file.positiveClass().orElse(0),
                flags.validationSplit() != null ? flags.validationSplit() : file.validationSplit().orElse(0),
                flags.patience() != null ? flags.patience() : file.patience().orElse(0),
                flags.schedule() != null ? Optional.of(flags.schedule()) : file.schedule());
    }

    /** What the command line says; null where a flag was not given. */
    public record Overrides(Integer epochs, Integer batch, Long seed, Integer threads, Integer limit,
            OptimizerKind optimizer, Map<String, Double> optimizerOptions, Double validationSplit, Integer patience,
            ScheduleSettings schedule) {
        public Overrides {
            optimizerOptions = Map.copyOf(optimizerOptions);
        }
    }

    public Optimizer newOptimizer() {
        return Optimizers.create(optimizer, optimizerOptions);
    }

    /** The schedule this run follows, from the optimizer's rate, or empty for a constant rate. */
    Optional<LearningRateSchedule> newSchedule() {
        double initial = optimizerOptions.getOrDefault("lr", Optimizers.defaultLearningRate(optimizer));
        return schedule.map(s -> LearningRateSchedule.of(s, initial, epochs));
    }
}
