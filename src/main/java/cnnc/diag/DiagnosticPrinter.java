package cnnc.diag;

import java.util.List;

/**
 * Renders diagnostics as compilers do: {@code file:line:col: error: message}, the source line,
 * a caret under the span, then notes and help lines.
 */
public final class DiagnosticPrinter {
    private DiagnosticPrinter() {}

    public static String render(SourceFile source, Diagnostic d) {
        var out = new StringBuilder();
        Span span = d.span();
        out.append(source.name()).append(':').append(span.position()).append(": ")
                .append(d.severity().label()).append(": ").append(printable(d.message())).append('\n');
        String line = printable(source.line(span.line()));
        if (!line.isBlank()) {
            out.append("    ").append(line).append('\n');
            out.append("    ").append(caret(line, span)).append('\n');
        }
        for (String note : d.notes()) {
            out.append("  note: ").append(printable(note)).append('\n');
        }
        for (String help : d.helps()) {
            out.append("  help: ").append(printable(help)).append('\n');
        }
        return out.toString();
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
    private static String caret(String line, Span span) {
        var out = new StringBuilder();
        int col = Math.max(1, span.column());
        for (int i = 0; i < col - 1 && i < line.length(); i++) {
            out.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        int room = Math.max(1, line.length() - (col - 1));
        int len = Math.max(1, Math.min(span.length(), room));
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
