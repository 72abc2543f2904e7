package cnnc.plan;

import cnnc.ast.Activation;
import cnnc.model.Loss;
import cnnc.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rewrite: a final softmax or sigmoid becomes an {@link OutputStage} fused with its cross-entropy
 * loss, whose gradient with respect to the logits is simply p - y (computed from the logits, it
 * also stays finite where log p would not). A standalone activation layer at the end leaves the
 * plan; an activation written on the last conv or dense layer moves out of its loops.
 */
final class FuseOutputStage {
    private FuseOutputStage() {}

    /** The steps after the rewrite, and the stage if there is one. */
    record Result(List<LayerStep> steps, Optional<OutputStage> stage) {}

    static Result apply(Network network, List<LayerStep> chain) {
        if (network.loss() == Loss.MEAN_SQUARED_ERROR || chain.isEmpty()
                || chain.get(chain.size() - 1).layer() != network.layers().get(network.layers().size() - 1)) {
            return new Result(chain, Optional.empty());
        }
        var steps = new ArrayList<>(chain);
        LayerStep last = steps.remove(steps.size() - 1);
        Buffer logitsGrad = last.gradients().map(Gradients::in).orElse(null);
        if (last.layer().activationOnly()) {
            return new Result(steps, Optional.of(new OutputStage(last.activation(), last.in(), last.out(), logitsGrad)));
        }
        var probabilities = new Buffer("output", last.out().perExample());
        steps.add(last.withActivation(Activation.LINEAR));
        return new Result(steps, Optional.of(new OutputStage(last.activation(), last.out(), probabilities,
                last.gradients().map(Gradients::out).orElse(null))));
    }
}
