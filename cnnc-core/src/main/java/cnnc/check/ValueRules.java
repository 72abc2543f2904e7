package cnnc.check;

import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.diag.Span;
import java.util.List;
import java.util.Optional;

/** The checks on single values that several statements share: sizes that must be positive, penalties that must not be negative. */
final class ValueRules {
    private final Diagnostics diagnostics;
    private final SourceFile source;

    ValueRules(Diagnostics diagnostics, SourceFile source) {
        this.diagnostics = diagnostics;
        this.source = source;
    }

    boolean regularizers(Optional<cnnc.ast.RealArg> l1, Optional<cnnc.ast.RealArg> l2) {
        boolean ok = true;
        for (var arg : List.of(l1, l2)) {
            if (arg.isPresent() && !(arg.get().value() >= 0)) {
                diagnostics.add(Diagnostic.error(arg.get().span(), "a regularization factor must not be negative, not "
                        + source.textOf(arg.get().span()))
                        .withHelp("typical factors are small, e.g. `l2 0.0001`"));
                ok = false;
            }
        }
        return ok;
    }

    boolean positive(long value, Span span, String message) {
        if (value > 0) {
            return true;
        }
        diagnostics.add(Diagnostic.error(span, message + ", not " + value));
        return false;
    }

    boolean positiveExtent(int h, int w, Span span, String what) {
        if (h > 0 && w > 0) {
            return true;
        }
        diagnostics.add(Diagnostic.error(span, "the " + what + " must be positive, not " + h + "x" + w));
        return false;
    }
}
