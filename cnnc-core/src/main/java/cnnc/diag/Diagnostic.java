package cnnc.diag;

import java.util.List;

/**
 * One message about the source: where, how bad, what is wrong, and what the user can do.
 *
 * @param notes context lines, e.g. where a bad shape came from
 * @param helps suggestions for a fix, e.g. "use pad 1 or stride 1"
 */
public record Diagnostic(Severity severity, Span span, String message, List<String> notes, List<String> helps) {

    public Diagnostic {
        notes = List.copyOf(notes);
        helps = List.copyOf(helps);
    }

    public static Diagnostic error(Span span, String message) {
        return new Diagnostic(Severity.ERROR, span, message, List.of(), List.of());
    }

    public static Diagnostic warning(Span span, String message) {
        return new Diagnostic(Severity.WARNING, span, message, List.of(), List.of());
    }

    public Diagnostic withNote(String note) {
        return new Diagnostic(severity, span, message, append(notes, note), helps);
    }

    public Diagnostic withHelp(String help) {
        return new Diagnostic(severity, span, message, notes, append(helps, help));
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    private static List<String> append(List<String> list, String item) {
        var copy = new java.util.ArrayList<>(list);
        copy.add(item);
        return copy;
    }
}
