package cnnc.model;

import cnnc.ast.OptimizerKind;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Training settings written in the .cnn file ({@code optimizer}, {@code epochs}, {@code batch},
 * {@code seed}, {@code positive}, {@code validation split}, {@code patience}, {@code schedule}); empty where the file is silent, so the command line and
 * defaults can fill in.
 *
 * @param optimizerOptions hyper-parameters by keyword ({@code lr}, {@code rho}, ...), already checked
 */
public record TrainingSettings(Optional<OptimizerKind> optimizer, Map<String, Double> optimizerOptions,
        OptionalInt epochs, OptionalInt batch, OptionalLong seed, OptionalInt positiveClass,
        OptionalDouble validationSplit, OptionalInt patience, Optional<ScheduleSettings> schedule) {

    public TrainingSettings {
        optimizerOptions = Map.copyOf(optimizerOptions);
    }

    public TrainingSettings(Optional<OptimizerKind> optimizer, Map<String, Double> optimizerOptions, OptionalInt epochs,
            OptionalInt batch, OptionalLong seed, OptionalInt positiveClass) {
        this(optimizer, optimizerOptions, epochs, batch, seed, positiveClass, OptionalDouble.empty(), OptionalInt.empty(),
                Optional.empty());
    }

    public TrainingSettings(Optional<OptimizerKind> optimizer, Map<String, Double> optimizerOptions, OptionalInt epochs,
            OptionalInt batch, OptionalLong seed) {
        this(optimizer, optimizerOptions, epochs, batch, seed, OptionalInt.empty());
    }

    public static TrainingSettings none() {
        return new TrainingSettings(Optional.empty(), Map.of(), OptionalInt.empty(), OptionalInt.empty(),
                OptionalLong.empty());
    }
}
