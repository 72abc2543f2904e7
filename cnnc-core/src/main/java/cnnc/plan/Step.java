package cnnc.plan;

import cnnc.ast.Activation;
import cnnc.model.Layer;
import java.util.Optional;

/** One step of a plan: a method pair (forward, and backward when training) of the generated class. */
public sealed interface Step permits LayerStep, ConvPoolStep {
    /** The layer whose code this is (for a fused step, the first of its layers). */
    Layer layer();

    Buffer in();

    Buffer out();

    /** The activation applied in this step's loops: linear when the output stage took it over. */
    Activation activation();

    /** The slope of a leakyrelu or the alpha of an elu the step applies ({@link Layer#activationAlpha}). */
    default double activationAlpha() {
        return layer().activationAlpha();
    }

    /** The step's gradients; empty in an inference plan. */
    Optional<Gradients> gradients();

    default Buffer inGrad() {
        return gradients().map(Gradients::in).orElse(null);
    }

    default Buffer outGrad() {
        return gradients().map(Gradients::out).orElse(null);
    }

    /** Whether the input gradient is computed only when asked for ({@link Gradients.InputGradient#ON_DEMAND}). */
    default boolean inGradOnDemand() {
        return gradients().map(g -> g.input() == Gradients.InputGradient.ON_DEMAND).orElse(false);
    }

    /** How the step takes part in {@link FoldReluIntoMaxPool}. */
    default ReluFold reluFold() {
        return ReluFold.NONE;
    }

    /** The max pool run on each output plane while it is in cache ({@link FuseConvPool}), if any. */
    default Optional<Layer.Pool> fusedPool() {
        return Optional.empty();
    }
}
