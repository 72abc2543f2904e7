package cnnc.codegen;

import cnnc.ast.Activation;
import cnnc.plan.ReluFold;
import cnnc.plan.Step;
import java.util.List;

/** The elementwise activations as code: forward, and the derivative written in terms of the output. */
public final class Activations {
    private Activations() {}

    /** The step's activation applied to {@code v}. */
    public static String activate(Precision p, Step step, String v) {
        return activate(p, step.activation(), step.activationAlpha(), v);
    }

    /** The {@link SharedMethods} that {@link #activate} writes calls to for this step. */
    public static List<String> sharedMethods(Precision p, Step step) {
        return p == Precision.FLOAT && step.activation() == Activation.TANH ? List.of(SharedMethods.TANH) : List.of();
    }

    /** The activation applied to {@code v}; {@code alpha} is leakyrelu's slope or elu's alpha. */
    private static String activate(Precision p, Activation act, double alpha, String v) {
        String zero = p.literal(0);
        String one = p.literal(1);
        switch (act) {
            case RELU:
                return "Math.max(" + v + ", " + zero + ")";
            case SIGMOID:
                return one + " / (" + one + " + " + p.math("exp", "-" + v) + ")";
            case TANH:
                // float: the shared rational tanh, which C2 vectorizes where Math.tanh is a call
                return p == Precision.FLOAT ? SharedMethods.TANH + "(" + v + ")" : p.math("tanh", v);
            case LINEAR:
                return v;
            case LEAKYRELU:
                // max + slope * min: no branch, and exact (one of the two is 0)
                return "Math.max(" + v + ", " + zero + ") + " + p.literal(alpha) + " * Math.min(" + v + ", "
                        + zero + ")";
            case ELU:
                return "(" + v + " > " + zero + " ? " + v + " : " + p.literal(alpha) + " * "
                        + p.math("expm1", v) + ")";
            default:
                throw new IllegalArgumentException("not elementwise: " + act);
        }
    }

    /** The gradient g times the step's activation's derivative, written in terms of the output y. */
    public static String derivative(Precision p, Step step, String y, String g) {
        return derivative(p, step.activation(), step.activationAlpha(), y, g);
    }

    /**
     * The gradient g times the activation's derivative, written in terms of the output y. For leakyrelu and
     * elu the output is above 0 exactly where the input was, since the checker keeps their slope or alpha
     * from being negative.
     */
    private static String derivative(Precision p, Activation act, double alpha, String y, String g) {
        String one = p.literal(1);
        switch (act) {
            case RELU:
                // y = max(z, 0) >= 0, so min(min(y * B, 1) * B, 1) is exactly 1 for any positive y
                // (subnormals too: B * B exceeds the inverse of the smallest one) and 0 for y = 0:
                // a mask C2 vectorizes, where the comparison would stay a branch
                String big = p == Precision.FLOAT ? "0x1p100f" : "0x1p600";
                return g + " * Math.min(Math.min(" + y + " * " + big + ", " + one + ") * " + big + ", " + one + ")";
            case SIGMOID:
                return g + " * " + y + " * (" + one + " - " + y + ")";
            case TANH:
                return g + " * (" + one + " - " + y + " * " + y + ")";
            case LINEAR:
                return g;
            case LEAKYRELU:
                // as PyTorch: the slope where the input was not above 0 (y > 0 exactly when it was)
                return g + " * (" + y + " > " + p.literal(0) + " ? " + one + " : " + p.literal(alpha) + ")";
            case ELU:
                // y + alpha is alpha * e^x, the derivative below 0, from the output as PyTorch computes it
                return g + " * (" + y + " > " + p.literal(0) + " ? " + one + " : " + y + " + "
                        + p.literal(alpha) + ")";
            default:
                throw new IllegalArgumentException("not elementwise: " + act);
        }
    }

    /** Applies the step's activation in place over [from, from + count) of {@code out}. */
    public static void activateRange(Code c, Precision p, Step step, String out, String from, int count) {
        if (step.activation() == Activation.LINEAR) {
            return;
        }
        c.loop("j", count).line("int k = " + from + " + j")
                .line(out + "[k] = " + activate(p, step, out + "[k]")).close();
    }

    /**
     * Multiplies the step's output gradient in place by its activation's derivative over the
     * batch, unless a max pool after it already did ({@link ReluFold#DERIVATIVE_IN_NEXT_POOL}).
     */
    public static void deriveRange(Code c, Precision p, Step step, String count) {
        Activation act = step.activation();
        if (act == Activation.LINEAR || step.reluFold() == ReluFold.DERIVATIVE_IN_NEXT_POOL) {
            return;
        }
        String grad = step.outGrad().name();
        String out = step.out().name();
        c.loop("k", count).line(grad + "[k] = " + derivative(p, step, out + "[k]", grad + "[k]")).close();
    }
}
