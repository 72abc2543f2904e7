package cnnc.check;

import cnnc.ast.Activation;
import cnnc.ast.RealArg;
import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.diag.Span;
import java.util.List;
import java.util.Optional;

/**
 * The checks on single values that several statements share: sizes that must be positive, penalties that must not be
 * negative, an activation's place and parameter, a batchnorm's momentum and epsilon.
 */
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

    /**
     * The number after {@code leakyrelu} (its slope below zero) or {@code elu} (its alpha): not negative,
     * since the generated backward pass tells the side of zero the input was on from the output's sign;
     * a leaky slope of 1 or more is allowed, with a warning.
     */
    boolean activationAlpha(Activation act, Optional<RealArg> alpha) {
        if (alpha.isEmpty()) {
            return true;
        }
        RealArg a = alpha.get();
        String written = source.textOf(a.span());
        boolean leaky = act == Activation.LEAKYRELU;
        String what = leaky ? "the slope of `leakyrelu`" : "the alpha of `elu`";
        String usual = leaky ? "`leakyrelu 0.01` is PyTorch's default slope, `leakyrelu 0.2` a common one"
                : "`elu 1` is the usual alpha";
        if (!(a.value() >= 0)) {
            diagnostics.add(Diagnostic.error(a.span(), what + " must not be negative, not " + written).withHelp(usual));
            return false;
        }
        if (!Float.isFinite((float) a.value())) {
            diagnostics.add(Diagnostic.error(a.span(), what + " " + written + " is too large for a float32 number")
                    .withHelp(usual));
            return false;
        }
        if (leaky && a.value() >= 1) {
            diagnostics.add(Diagnostic.warning(a.span(), "`leakyrelu " + written + "` has a slope of 1 or more below zero: "
                    + (a.value() == 1 ? "it is the identity" : "it grows faster below zero than above"))
                    .withHelp("a leaky ReLU's slope is below 1: " + usual));
        }
        return true;
    }

    /** The slope or alpha a layer applies: as written, or the default of its activation (0 for those without one). */
    static double activationAlphaOf(Activation act, Optional<RealArg> alpha) {
        return switch (act) {
            case LEAKYRELU -> alpha.map(RealArg::value).orElse(Activation.LEAKY_SLOPE);
            case ELU -> alpha.map(RealArg::value).orElse(Activation.ELU_ALPHA);
            default -> 0;
        };
    }

    /** A batchnorm's momentum: at least 0 and below 1 (1 would never update the averages); its epsilon: above 0. */
    boolean batchNorm(cnnc.ast.Statement.BatchNorm s) {
        boolean ok = true;
        if (s.momentum().isPresent() && !(s.momentum().get().value() >= 0 && s.momentum().get().value() < 1)) {
            RealArg m = s.momentum().get();
            diagnostics.add(Diagnostic.error(m.span(), "the momentum of `batchnorm` must be at least 0 and below 1, not "
                    + source.textOf(m.span()))
                    .withHelp("`momentum 0.99` (Keras' default) keeps 99% of the running averages at each step; PyTorch's"
                            + " momentum m is 1 - m here, so its default 0.1 is `momentum 0.9`"));
            ok = false;
        }
        if (s.epsilon().isPresent()) {
            RealArg e = s.epsilon().get();
            float value = (float) e.value();
            if (!(value > 0 && Float.isFinite(value))) {
                diagnostics.add(Diagnostic.error(e.span(), "the epsilon of `batchnorm` must be above 0 (as a float32 number), not "
                        + source.textOf(e.span()))
                        .withHelp("`epsilon 0.001` is Keras' default, `epsilon 1e-5` PyTorch's; it keeps the division by the"
                                + " standard deviation finite"));
                ok = false;
            }
        }
        return ok;
    }

    /** softmax: last layer only, and over a vector. */
    boolean activationFits(Activation act, Span span, boolean last, boolean vectorOut) {
        if (act != Activation.SOFTMAX) {
            return true;
        }
        if (!last) {
            diagnostics.add(Diagnostic.error(span, "softmax is allowed only in the last layer")
                    .withHelp("use `relu` here; softmax turns the final scores into class probabilities"));
            return false;
        }
        if (!vectorOut) {
            diagnostics.add(Diagnostic.error(span, "softmax needs a vector, but this layer outputs a volume")
                    .withHelp("end the network with `flatten` and `dense 10 softmax`"));
            return false;
        }
        return true;
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
