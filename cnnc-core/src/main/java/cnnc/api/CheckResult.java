package cnnc.api;

import cnnc.diag.Diagnostic;
import cnnc.diag.DiagnosticPrinter;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.util.List;
import java.util.Optional;

/**
 * What checking a {@code .cnn} source found: every diagnostic, errors and warnings alike, in
 * source order, and the checked network when there is no error.
 *
 * @param source the file as checked
 * @param network the network, present exactly when no diagnostic is an error
 * @param diagnostics each problem with its position ({@link Diagnostic#span()}), message, notes and
 *     suggested fixes
 */
public record CheckResult(SourceFile source, Optional<Network> network, List<Diagnostic> diagnostics) {

    public CheckResult {
        diagnostics = List.copyOf(diagnostics);
    }

    /** Whether the source has no errors (warnings allowed). */
    public boolean ok() {
        return network.isPresent();
    }

    /** The diagnostics as {@code cnnc check} prints them: position, message, the source line and a caret. */
    public String render() {
        return DiagnosticPrinter.renderAll(source, diagnostics, false);
    }
}
