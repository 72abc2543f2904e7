package cnnc.model;

import cnnc.ast.ScheduleKind;
import java.util.Set;

/**
 * What each schedule option may hold and which options a schedule cannot do without; shared by
 * the checker (the {@code schedule} statement) and the command line (its flags).
 */
public final class ScheduleRules {
    private ScheduleRules() {}

    /** Why {@code value} does not suit {@code option} ("a whole number of at least 1"), or null. */
    public static String problem(String option, double value) {
        return switch (option) {
            case "every", "patience" -> value >= 1 && value == Math.rint(value) && value <= Integer.MAX_VALUE
                    ? null : "a whole number of at least 1";
            case "factor" -> value > 0 && value < 1 ? null : "above 0 and below 1";
            case "rate" -> value > 0 && value <= 1 ? null : "above 0 and at most 1";
            case "min" -> value >= 0 && Double.isFinite(value) ? null : "at least 0";
            default -> "one of every, factor, rate, min, patience";
        };
    }

    /** The option {@code kind} needs but {@code given} lacks, or null. */
    public static String missing(ScheduleKind kind, Set<String> given) {
        return switch (kind) {
            case STEP -> given.contains("every") ? null : "every N";
            case EXPONENTIAL -> given.contains("rate") ? null : "rate F";
            default -> null;
        };
    }

    public static String example(ScheduleKind kind) {
        return switch (kind) {
            case STEP -> "schedule step every 10 factor 0.5";
            case EXPONENTIAL -> "schedule exponential rate 0.9";
            case COSINE -> "schedule cosine min 0.00001";
            case PLATEAU -> "schedule plateau factor 0.5 patience 2 min 0.00001";
        };
    }

    /** "`schedule plateau` takes factor, patience, min". */
    public static String takes(ScheduleKind kind) {
        return "`schedule " + kind.keyword() + "` takes " + String.join(", ", kind.options());
    }
}
