package cnnc.diag;

/**
 * A stretch of source text: character offsets [start, end) plus the 1-based line and column of
 * the start, which is what a person reads.
 */
public record Span(int start, int end, int line, int column) {

    public Span {
        if (end < start) {
            end = start;
        }
    }

    /** The span from the start of {@code first} to the end of {@code last}. */
    public static Span covering(Span first, Span last) {
        return new Span(first.start, Math.max(first.end, last.end), first.line, first.column);
    }

    public int length() {
        return end - start;
    }

    /** "line:column", as in diagnostics and notes. */
    public String position() {
        return line + ":" + column;
    }
}
