package cnnc.plan;

import cnnc.ast.Activation;
import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plan before any rewrite: a step per layer, each reading the buffer the step before it
 * wrote. Flatten needs no code: in C, H, W order a volume already is its flattened vector, so it
 * shares its input's buffers. In an inference plan so does dropout, the identity there.
 */
final class LayerChain {
    private LayerChain() {}

    static List<LayerStep> of(Network network, Mode mode, Buffer input, Buffer inputGrad) {
        var steps = new ArrayList<LayerStep>();
        Buffer current = input;
        Buffer currentGrad = inputGrad;
        for (Layer layer : network.layers()) {
            if (sharesBuffers(layer, mode)) {
                continue;
            }
            var out = new Buffer(layer.name() + "Out", layer.out().size());
            var outGrad = new Buffer(layer.name() + "Grad", layer.out().size());
            Optional<Gradients> gradients = mode == Mode.INFERENCE ? Optional.empty()
                    : Optional.of(new Gradients(currentGrad, outGrad, current == input
                            ? Gradients.InputGradient.ON_DEMAND : Gradients.InputGradient.ALWAYS));
            Activation activation = layer.activation();
            steps.add(new LayerStep(layer, current, out, activation, gradients, ReluFold.NONE));
            current = out;
            currentGrad = outGrad;
        }
        return steps;
    }

    private static boolean sharesBuffers(Layer layer, Mode mode) {
        return layer.reshapesOnly() || mode == Mode.INFERENCE && layer.identityAtInference();
    }
}
