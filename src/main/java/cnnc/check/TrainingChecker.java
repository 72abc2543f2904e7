package cnnc.check;

import cnnc.ast.IntArg;
import cnnc.ast.OptimizerKind;
import cnnc.ast.RealArg;
import cnnc.ast.Statement;
import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.diag.Span;
import cnnc.model.TrainingSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Checks the training statements ({@code optimizer}, {@code epochs}, {@code batch}, {@code seed}):
 * each at most once, numbers in range, and only the hyper-parameters the optimizer has.
 */
final class TrainingChecker {
    private static final Map<OptimizerKind, List<String>> OPTIONS = Map.of(
            OptimizerKind.SGD, List.of("lr", "momentum"),
            OptimizerKind.RMSPROP, List.of("lr", "rho", "momentum", "epsilon"),
            OptimizerKind.ADAM, List.of("lr", "beta1", "beta2", "epsilon"));
    /** Options that are rates in [0, 1); the rest (lr, epsilon) must be positive. */
    private static final Set<String> FRACTIONS = Set.of("momentum", "rho", "beta1", "beta2");

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
        } else {
            return false;
        }
        return true;
    }

    TrainingSettings settings() {
        return new TrainingSettings(optimizer, optimizerOptions, epochs, batch, seed, positiveClass);
    }

    /** Where {@code positive} was written, or null. */
    Span positiveSpan() {
        return positiveSpan;
    }

    private void optimizer(Statement.Optimizer o) {
        optimizer = Optional.of(o.kind());
        List<String> allowed = OPTIONS.get(o.kind());
        for (var entry : o.options().entrySet()) {
            String key = entry.getKey();
            RealArg value = entry.getValue();
            if (!allowed.contains(key)) {
                diagnostics.add(Diagnostic.error(value.span(), "`" + key + "` does not apply to " + o.kind().keyword())
                        .withHelp(o.kind().keyword() + " takes " + String.join(", ", allowed)));
                continue;
            }
            double v = value.value();
            boolean ok = FRACTIONS.contains(key) ? v >= 0 && v < 1 : v > 0;
            if (!ok) {
                String range = FRACTIONS.contains(key) ? "at least 0 and below 1" : "positive";
                diagnostics.add(Diagnostic.error(value.span(), "`" + key + "` must be " + range + ", not "
                        + source.textOf(value.span())));
                continue;
            }
            optimizerOptions.put(key, v);
        }
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
