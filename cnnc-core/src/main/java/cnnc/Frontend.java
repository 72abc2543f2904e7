package cnnc;

import cnnc.ast.Program;
import cnnc.check.ShapeChecker;
import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import cnnc.syntax.SourceParser;
import java.util.List;
import java.util.Optional;

/** The front end as one call: source text to a checked network plus every diagnostic. */
public final class Frontend {
    private Frontend() {}

    /**
     * @param network present when the file has no errors
     * @param truncated whether errors past {@link Diagnostics#MAX_ERRORS} were dropped
     */
    public record Result(SourceFile source, Optional<Network> network, List<Diagnostic> diagnostics, boolean truncated) {
        public boolean hasErrors() {
            return network.isEmpty();
        }
    }

    public static Result compile(SourceFile source) {
        var diagnostics = new Diagnostics();
        Program program = SourceParser.parse(source, diagnostics);
        Optional<Network> network = ShapeChecker.check(program, diagnostics);
        if (diagnostics.hasErrors()) {
            network = Optional.empty();
        }
        return new Result(source, network, diagnostics.sorted(), diagnostics.isTruncated());
    }
}
