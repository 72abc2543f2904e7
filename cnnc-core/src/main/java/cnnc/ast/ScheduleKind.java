package cnnc.ast;

import java.util.List;
import java.util.Locale;

/** The learning-rate schedules a {@code schedule} statement names, with the options each takes. */
public enum ScheduleKind {
    STEP(List.of("every", "factor")),
    EXPONENTIAL(List.of("rate")),
    COSINE(List.of("min")),
    PLATEAU(List.of("factor", "patience", "min"));

    private final List<String> options;

    ScheduleKind(List<String> options) {
        this.options = options;
    }

    public List<String> options() {
        return options;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ScheduleKind of(String keyword) {
        return valueOf(keyword.toUpperCase(Locale.ROOT));
    }
}
