package cnnc.model;

import cnnc.ast.OptimizerKind;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hyper-parameters each optimizer has and the values each may hold; shared by the checker
 * (the {@code optimizer} statement) and the command line ({@code --optimizer} and its flags).
 */
public final class OptimizerRules {
    private static final Map<OptimizerKind, List<String>> OPTIONS = Map.of(
            OptimizerKind.SGD, List.of("lr", "momentum"),
            OptimizerKind.RMSPROP, List.of("lr", "rho", "momentum", "epsilon"),
            OptimizerKind.ADAM, List.of("lr", "beta1", "beta2", "epsilon"));
    /** Options that are rates in [0, 1); the rest (lr, epsilon) must be positive. */
    private static final Set<String> FRACTIONS = Set.of("momentum", "rho", "beta1", "beta2");

    private OptimizerRules() {}

    public static List<String> options(OptimizerKind kind) {
        return OPTIONS.get(kind);
    }

    /** Why {@code value} does not suit {@code option} ("positive"), or null. */
    public static String problem(String option, double value) {
        if (FRACTIONS.contains(option)) {
            return value >= 0 && value < 1 ? null : "at least 0 and below 1";
        }
        return value > 0 && Double.isFinite(value) ? null : "positive";
    }
}
