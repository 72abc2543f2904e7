package cnnc.model;

import cnnc.ast.ScheduleKind;
import java.util.Map;

/**
 * A learning-rate schedule as the file or the command line gives it: its kind and its options by
 * keyword ({@code every}, {@code factor}, {@code rate}, {@code min}, {@code patience}), already checked.
 */
public record ScheduleSettings(ScheduleKind kind, Map<String, Double> options) {
    public ScheduleSettings {
        options = Map.copyOf(options);
    }

    /** e.g. {@code step(every=10, factor=0.5)}, options in the kind's order. */
    public String describe() {
        var out = new StringBuilder(kind.keyword()).append('(');
        String sep = "";
        for (String key : kind.options()) {
            Double v = options.get(key);
            if (v != null) {
                out.append(sep).append(key).append('=').append(key.equals("every") || key.equals("patience")
                        ? Long.toString(Math.round(v)) : Double.toString(v));
                sep = ", ";
            }
        }
        return out.append(')').toString();
    }
}
