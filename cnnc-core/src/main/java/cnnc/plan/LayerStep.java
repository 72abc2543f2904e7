package cnnc.plan;

import cnnc.ast.Activation;
import cnnc.model.Layer;
import java.util.Optional;

/** One layer's code. */
public record LayerStep(Layer layer, Buffer in, Buffer out, Activation activation, Optional<Gradients> gradients,
        ReluFold reluFold) implements Step {

    LayerStep withActivation(Activation newActivation) {
        return new LayerStep(layer, in, out, newActivation, gradients, reluFold);
    }

    LayerStep withReluFold(ReluFold fold) {
        return new LayerStep(layer, in, out, activation, gradients, fold);
    }
}
