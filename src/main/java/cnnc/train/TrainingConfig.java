package cnnc.train;

import cnnc.ast.OptimizerKind;
import cnnc.model.TrainingSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Everything a training run needs to know: the .cnn file's settings, overridden by the command
 * line, with defaults for what neither says (RMSprop with Keras' defaults, as in the course lab).
 */
public record TrainingConfig(int epochs, int batch, long seed, int threads, OptimizerKind optimizer,
        Map<String, Double> optimizerOptions, int limit, int positiveClass) {

    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_BATCH = 32;
    public static final long DEFAULT_SEED = 1;

    public TrainingConfig {
        optimizerOptions = Map.copyOf(optimizerOptions);
        if (epochs < 1 || batch < 1 || threads < 1) {
            throw new IllegalArgumentException("epochs, batch and threads must be at least 1");
        }
    }

    /** A run whose binary classifier, if any, learns digit 0 against the rest. */
    public TrainingConfig(int epochs, int batch, long seed, int threads, OptimizerKind optimizer,
            Map<String, Double> optimizerOptions, int limit) {
        this(epochs, batch, seed, threads, optimizer, optimizerOptions, limit, 0);
    }

    /** The same run with another positive class for a single sigmoid unit. */
    public TrainingConfig withPositiveClass(int digit) {
        return new TrainingConfig(epochs, batch, seed, threads, optimizer, optimizerOptions, limit, digit);
    }

    /** Merges file settings with command-line overrides (empty where the flag was not given). */
    public static TrainingConfig resolve(TrainingSettings file, OptionalInt epochs, OptionalInt batch, OptionalLong seed,
            OptionalInt threads, OptionalDouble lr, int limit) {
        var options = new HashMap<>(file.optimizerOptions());
        lr.ifPresent(v -> options.put("lr", v));
        return new TrainingConfig(
                epochs.orElse(file.epochs().orElse(DEFAULT_EPOCHS)),
                batch.orElse(file.batch().orElse(DEFAULT_BATCH)),
                seed.orElse(file.seed().orElse(DEFAULT_SEED)),
                threads.orElse(Runtime.getRuntime().availableProcessors()),
                file.optimizer().orElse(OptimizerKind.RMSPROP),
                options,
                limit);
    }

    public Optimizer newOptimizer() {
        return Optimizers.create(optimizer, optimizerOptions);
    }
}
