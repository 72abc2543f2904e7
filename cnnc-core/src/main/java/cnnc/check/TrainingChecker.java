package cnnc.check;

import cnnc.ast.IntArg;
import cnnc.ast.OptimizerKind;
import cnnc.ast.RealArg;
import cnnc.ast.Statement;
import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.diag.Span;
import cnnc.model.OptimizerRules;
import cnnc.model.ScheduleRules;
import cnnc.model.ScheduleSettings;
import cnnc.model.TrainingSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Checks the training statements ({@code optimizer}, {@code epochs}, {@code batch}, {@code seed},
 * {@code validation split}, {@code patience}, {@code schedule}):
 * each at most once, numbers in range, and only the hyper-parameters the optimizer has.
 */
final class TrainingChecker {
    private final SourceFile source;
    private final Diagnostics diagnostics;
    private final Map<String, Span> seen = new HashMap<>();
    private Optional<OptimizerKind> optimizer = Optional.empty();
    private final Map<String, Double> optimizerOptions = new LinkedHashMap<>();
    private OptionalInt epochs = OptionalInt.empty();
    private OptionalInt batch = OptionalInt.empty();
    private OptionalLong seed = OptionalLong.empty();
    private OptionalInt positiveClass = OptionalInt.empty();
    private Span positiveSpan;
    private OptionalDouble validationSplit = OptionalDouble.empty();
    private OptionalInt patience = OptionalInt.empty();
    private Optional<ScheduleSettings> schedule = Optional.empty();

    TrainingChecker(SourceFile source, Diagnostics diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    /** Takes a training statement and returns true; returns false for anything else. */
    boolean accept(Statement s) {
        if (s instanceof Statement.Optimizer o) {
            if (once("optimizer", s)) {
                optimizer(o);
            }
        } else if (s instanceof Statement.Epochs e) {
            if (once("epochs", s) && atLeast(e.count(), 1, "the number of epochs")) {
                epochs = OptionalInt.of(e.count().value());
            }
        } else if (s instanceof Statement.Batch b) {
            if (once("batch", s) && atLeast(b.size(), 1, "the batch size")) {
                batch = OptionalInt.of(b.size().value());
            }
        } else if (s instanceof Statement.Seed d) {
            if (once("seed", s) && atLeast(d.seed(), 0, "the seed")) {
                seed = OptionalLong.of(d.seed().value());
            }
        } else if (s instanceof Statement.Positive p) {
            // MNIST's digits, or Fashion-MNIST's ten classes: the IDX data cnnc reads has ten.
            if (once("positive", s) && atLeast(p.digit(), 0, "the positive class") && atMost(p.digit(), 9, "the positive class")) {
                positiveClass = OptionalInt.of(p.digit().value());
                positiveSpan = s.span();
            }
        } else if (s instanceof Statement.ValidationSplit v) {
            if (once("validation split", s) && fraction(v.fraction(), "the validation split")) {
                validationSplit = OptionalDouble.of(v.fraction().value());
            }
        } else if (s instanceof Statement.Patience p) {
            if (once("patience", s) && atLeast(p.epochs(), 1, "the patience")) {
                patience = OptionalInt.of(p.epochs().value());
            }
        } else if (s instanceof Statement.Schedule sc) {
            if (once("schedule", s)) {
                schedule(sc);
            }
        } else {
            return false;
        }
        return true;
    }

    TrainingSettings settings() {
        return new TrainingSettings(optimizer, optimizerOptions, epochs, batch, seed, positiveClass, validationSplit,
                patience, schedule);
    }

    /** Where {@code positive} was written, or null. */
    Span positiveSpan() {
        return positiveSpan;
    }

    private void optimizer(Statement.Optimizer o) {
        optimizer = Optional.of(o.kind());
        List<String> allowed = OptimizerRules.options(o.kind());
        for (var entry : o.options().entrySet()) {
            String key = entry.getKey();
            RealArg value = entry.getValue();
            if (!allowed.contains(key)) {
                diagnostics.add(Diagnostic.error(value.span(), "`" + key + "` does not apply to " + o.kind().keyword())
                        .withHelp(o.kind().keyword() + " takes " + String.join(", ", allowed)));
                continue;
            }
            double v = value.value();
            String range = OptimizerRules.problem(key, v);
            if (range != null) {
                diagnostics.add(Diagnostic.error(value.span(), "`" + key + "` must be " + range + ", not "
                        + source.textOf(value.span())));
                continue;
            }
            optimizerOptions.put(key, v);
        }
    }

    private void schedule(Statement.Schedule s) {
        var values = new HashMap<String, Double>();
        boolean ok = true;
        for (var entry : s.options().entrySet()) {
            String key = entry.getKey();
            RealArg value = entry.getValue();
            if (!s.kind().options().contains(key)) {
                diagnostics.add(Diagnostic.error(value.span(), "`" + key + "` does not apply to `schedule " + s.kind().keyword() + "`")
                        .withHelp(ScheduleRules.takes(s.kind())));
                ok = false;
                continue;
            }
            String problem = ScheduleRules.problem(key, value.value());
            if (problem != null) {
                diagnostics.add(Diagnostic.error(value.span(), "`" + key + "` must be " + problem + ", not "
                        + source.textOf(value.span())));
                ok = false;
                continue;
            }
            values.put(key, value.value());
        }
        String missing = ScheduleRules.missing(s.kind(), values.keySet());
        if (missing != null && ok) {
            diagnostics.add(Diagnostic.error(s.span(), "`schedule " + s.kind().keyword() + "` needs `" + missing + "`")
                    .withHelp("e.g. `" + ScheduleRules.example(s.kind()) + "`"));
            ok = false;
        }
        if (ok) {
            schedule = Optional.of(new ScheduleSettings(s.kind(), values));
        }
    }

    private boolean fraction(RealArg arg, String what) {
        if (arg.value() > 0 && arg.value() < 1) {
            return true;
        }
        diagnostics.add(Diagnostic.error(arg.span(), what + " must be above 0 and below 1, not " + source.textOf(arg.span()))
                .withHelp("`validation split 0.1` holds out the last 10% of the training images"));
        return false;
    }

    private boolean once(String what, Statement s) {
        Span first = seen.putIfAbsent(what, s.span());
        if (first == null) {
            return true;
        }
        diagnostics.add(Diagnostic.error(s.span(), "`" + what + "` is given twice")
                .withNote("first given at " + first.position() + " as `" + source.textOf(first) + "`"));
        return false;
    }

    private boolean atMost(IntArg arg, int max, String what) {
        if (arg.value() <= max) {
            return true;
        }
        diagnostics.add(Diagnostic.error(arg.span(), what + " must be at most " + max + ", not " + arg.value())
                .withNote("the data has ten classes, 0 to 9"));
        return false;
    }

    private boolean atLeast(IntArg arg, int min, String what) {
        if (arg.value() >= min) {
            return true;
        }
        diagnostics.add(Diagnostic.error(arg.span(), what + " must be at least " + min + ", not " + arg.value()));
        return false;
    }
}
