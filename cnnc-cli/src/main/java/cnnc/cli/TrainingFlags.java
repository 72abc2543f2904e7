package cnnc.cli;

import cnnc.ast.OptimizerKind;
import cnnc.ast.ScheduleKind;
import cnnc.model.OptimizerRules;
import cnnc.model.ScheduleRules;
import cnnc.model.ScheduleSettings;
import cnnc.model.TrainingSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * train's flags for the workflow beyond the lab: the validation split, early stopping, the
 * optimizer and the learning-rate schedule. Each overrides the file's statement as --lr does;
 * a value the file's statement would not accept is a usage error naming the flag.
 */
final class TrainingFlags {
    @Option(names = "--validation-split", paramLabel = "F", description = "hold out the last fraction F of the training "
            + "images for validation, as Keras' validation_split (default: the file's `validation split`, else validate on the test set)")
    Double validationSplit;

    @Option(names = "--patience", paramLabel = "N", description = "stop when val_loss has not improved for N epochs and "
            + "keep the best epoch's weights (default: the file's `patience`, else train every epoch)")
    Integer patience;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "rmsprop, adam or sgd (default: the file's, else rmsprop); "
            + "the file's options apply only to the optimizer it names")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "X", description = "momentum of sgd or rmsprop")
    Double momentum;

    @Option(names = "--rho", paramLabel = "X", description = "rmsprop's decay of the squared-gradient average")
    Double rho;

    @Option(names = "--beta1", paramLabel = "X", description = "adam's decay of the gradient average")
    Double beta1;

    @Option(names = "--beta2", paramLabel = "X", description = "adam's decay of the squared-gradient average")
    Double beta2;

    @Option(names = "--epsilon", paramLabel = "X", description = "rmsprop's or adam's epsilon")
    Double epsilon;

    @Option(names = "--schedule", paramLabel = "NAME", description = "learning-rate schedule: step, exponential, cosine or plateau "
            + "(default: the file's `schedule`, else a constant rate)")
    String schedule;

    @Option(names = "--lr-every", paramLabel = "N", description = "step: multiply the rate by --lr-factor every N epochs")
    Integer every;

    @Option(names = "--lr-factor", paramLabel = "F", description = "step and plateau: the factor the rate is multiplied by")
    Double factor;

    @Option(names = "--lr-rate", paramLabel = "F", description = "exponential: the rate of epoch e is lr * F^(e-1)")
    Double rate;

    @Option(names = "--lr-min", paramLabel = "X", description = "cosine and plateau: the lowest rate")
    Double min;

    @Option(names = "--lr-patience", paramLabel = "N", description = "plateau: epochs without a better val_loss before the rate falls")
    Integer lrPatience;

    Double validationSplit() {
        if (validationSplit != null && !(validationSplit > 0 && validationSplit < 1)) {
            throw usage("--validation-split must be above 0 and below 1 (0.1 holds out the last 10% of the training images), not "
                    + validationSplit);
        }
        return validationSplit;
    }

    Integer patience() {
        if (patience != null && patience < 1) {
            throw usage("--patience must be at least 1, not " + patience);
        }
        return patience;
    }

    /** The optimizer --optimizer names, or null to keep the file's. */
    OptimizerKind optimizerKind() {
        if (optimizer == null) {
            return null;
        }
        try {
            return OptimizerKind.valueOf(optimizer.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw usage("--optimizer must be rmsprop, adam or sgd, not `" + optimizer + "`");
        }
    }

    /** The optimizer options the flags give (with --lr), checked against the optimizer that will run. */
    Map<String, Double> optimizerOptions(TrainingSettings file, Double lr) {
        OptimizerKind kind = optimizerKind() != null ? optimizerKind() : file.optimizer().orElse(OptimizerKind.RMSPROP);
        var given = new LinkedHashMap<String, Double>();
        putIfGiven(given, "lr", lr);
        putIfGiven(given, "momentum", momentum);
        putIfGiven(given, "rho", rho);
        putIfGiven(given, "beta1", beta1);
        putIfGiven(given, "beta2", beta2);
        putIfGiven(given, "epsilon", epsilon);
        for (var entry : given.entrySet()) {
            String key = entry.getKey();
            if (!OptimizerRules.options(kind).contains(key)) {
                throw usage("--" + key + " does not apply to " + kind.keyword() + ", which takes --"
                        + String.join(", --", OptimizerRules.options(kind)));
            }
            String problem = OptimizerRules.problem(key, entry.getValue());
            if (problem != null) {
                throw usage("--" + key + " must be " + problem + ", not " + entry.getValue());
            }
        }
        return given;
    }

    /** The schedule the flags make (the file's, with the flags' options over it), or null to keep the file's. */
    ScheduleSettings schedule(TrainingSettings file) {
        var given = new LinkedHashMap<String, Double>();
        putIfGiven(given, "every", every == null ? null : every.doubleValue());
        putIfGiven(given, "factor", factor);
        putIfGiven(given, "rate", rate);
        putIfGiven(given, "min", min);
        putIfGiven(given, "patience", lrPatience == null ? null : lrPatience.doubleValue());
        if (schedule == null && given.isEmpty()) {
            return null;
        }
        ScheduleKind kind = scheduleKind(file, given);
        var options = new LinkedHashMap<String, Double>();
        file.schedule().filter(s -> s.kind() == kind).ifPresent(s -> options.putAll(s.options()));
        for (var entry : given.entrySet()) {
            String flag = "--lr-" + (entry.getKey().equals("patience") ? "patience" : entry.getKey());
            if (!kind.options().contains(entry.getKey())) {
                throw usage(flag + " does not apply to the " + kind.keyword() + " schedule, which takes --lr-"
                        + String.join(", --lr-", kind.options()));
            }
            String problem = ScheduleRules.problem(entry.getKey(), entry.getValue());
            if (problem != null) {
                throw usage(flag + " must be " + problem + ", not " + format(entry.getValue()));
            }
            options.put(entry.getKey(), entry.getValue());
        }
        String missing = ScheduleRules.missing(kind, options.keySet());
        if (missing != null) {
            throw usage("--schedule " + kind.keyword() + " needs --lr-" + missing);
        }
        return new ScheduleSettings(kind, options);
    }

    private ScheduleKind scheduleKind(TrainingSettings file, Map<String, Double> given) {
        if (schedule != null) {
            try {
                return ScheduleKind.of(schedule);
            } catch (IllegalArgumentException e) {
                throw usage("--schedule must be step, exponential, cosine or plateau, not `" + schedule + "`");
            }
        }
        return file.schedule().map(ScheduleSettings::kind).orElseThrow(() -> usage("--lr-" + given.keySet().iterator().next()
                + " needs a schedule: give --schedule or a `schedule` statement"));
    }

    private static void putIfGiven(Map<String, Double> into, String key, Double value) {
        if (value != null) {
            into.put(key, value);
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static CliError usage(String message) {
        return new CliError(ExitCodes.USAGE_OR_IO, message);
    }
}
