package cnnc.diag;

import java.util.List;

/**
 * Renders diagnostics as compilers do: {@code file:line:col: error: message}, the source line,
 * a caret under the span, then notes and help lines.
 */
public final class DiagnosticPrinter {
    /** The most of a source line shown; a line of a megabyte is shown around the span. */
    static final int MAX_LINE = 160;
    /** The most of a message, note or help shown; they may quote a huge token. */
    static final int MAX_MESSAGE = 400;

    private DiagnosticPrinter() {}

    public static String render(SourceFile source, Diagnostic d) {
        var out = new StringBuilder();
        Span span = d.span();
        out.append(source.name()).append(':').append(span.position()).append(": ")
                .append(d.severity().label()).append(": ").append(capped(d.message())).append('\n');
        String full = source.line(span.line());
        if (!full.isBlank()) {
            // A window of the line around the span, marked with ellipses where it is cut.
            int col = Math.max(0, span.column() - 1);
            int from = full.length() <= MAX_LINE ? 0 : Math.max(0, Math.min(col - MAX_LINE / 8, full.length() - MAX_LINE));
            int to = Math.min(full.length(), from + MAX_LINE);
            String line = (from > 0 ? "…" : "") + printable(full.substring(from, to)) + (to < full.length() ? "…" : "");
            int shownColumn = col - from + (from > 0 ? 1 : 0) + 1;
            out.append("    ").append(line).append('\n');
            out.append("    ").append(caret(line, shownColumn, span.length())).append('\n');
        }
        for (String note : d.notes()) {
            out.append("  note: ").append(capped(note)).append('\n');
        }
        for (String help : d.helps()) {
            out.append("  help: ").append(capped(help)).append('\n');
        }
        return out.toString();
    }

    private static String capped(String text) {
        return printable(text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "… ("
                + String.format(java.util.Locale.ROOT, "%,d", text.length()) + " characters)");
    }

    public static String renderAll(SourceFile source, Diagnostics diagnostics) {
        return renderAll(source, diagnostics.sorted(), diagnostics.isTruncated());
    }

    public static String renderAll(SourceFile source, List<Diagnostic> list, boolean truncated) {
        var out = new StringBuilder();
        for (Diagnostic d : list) {
            out.append(render(source, d));
        }
        if (truncated) {
            out.append(source.name()).append(": error: too many errors (")
                    .append(Diagnostics.MAX_ERRORS).append(" shown); fix these first\n");
        }
        return out.toString();
    }

    /** Spaces up to the column (tabs kept, so the caret lines up), then ^~~~ over the span. */
    private static String caret(String line, int column, int length) {
        var out = new StringBuilder();
        int col = Math.max(1, column);
        for (int i = 0; i < col - 1 && i < line.length(); i++) {
            out.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        int room = Math.max(1, line.length() - (col - 1));
        int len = Math.max(1, Math.min(length, room));
        out.append('^');
        out.append("~".repeat(len - 1));
        return out.toString();
    }

    /**
     * Control characters (binary garbage) would corrupt the terminal: show them as '?'. Messages
     * and notes go through here too, since they may quote the source.
     */
    private static String printable(String line) {
        var out = new StringBuilder(line.length());
        line.codePoints().forEach(cp -> out.appendCodePoint(
                cp == '\t' || !Character.isISOControl(cp) && Character.isDefined(cp) ? cp : '?'));
        return out.toString();
    }
}
