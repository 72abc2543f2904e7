package cnnc.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the diagnostics of one file. Stages add to it and go on; nothing here throws. After
 * {@link #MAX_ERRORS} errors further ones are dropped (binary garbage would otherwise yield one per
 * byte) and a last diagnostic says so.
 */
public final class Diagnostics {
    public static final int MAX_ERRORS = 50;

    private final List<Diagnostic> items = new ArrayList<>();
    private int errors;
    private boolean truncated;

    public void add(Diagnostic diagnostic) {
        if (diagnostic.isError()) {
            if (errors >= MAX_ERRORS) {
                truncated = true;
                return;
            }
            errors++;
        }
        items.add(diagnostic);
    }

    public void error(Span span, String message) {
        add(Diagnostic.error(span, message));
    }

    public void warning(Span span, String message) {
        add(Diagnostic.warning(span, message));
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public int errorCount() {
        return errors;
    }

    public boolean isTruncated() {
        return truncated;
    }

    /** All diagnostics in source order (stable for equal positions). */
    public List<Diagnostic> sorted() {
        var copy = new ArrayList<>(items);
        copy.sort(Comparator.comparingInt((Diagnostic d) -> d.span().line())
                .thenComparingInt(d -> d.span().column()));
        return List.copyOf(copy);
    }
}
