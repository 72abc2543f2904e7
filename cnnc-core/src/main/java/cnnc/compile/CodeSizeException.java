package cnnc.compile;

import cnnc.diag.Diagnostic;
import java.util.List;

/** Generated methods too large for HotSpot's JIT, as diagnostics on the layers responsible. */
public final class CodeSizeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;

    public CodeSizeException(List<Diagnostic> diagnostics) {
        super(diagnostics.get(0).message());
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
