package cnnc.codegen;

import cnnc.ast.Activation;
import cnnc.model.Layer;
import cnnc.model.Loss;
import cnnc.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the generated class holds and does, decided before any code is written: the buffers
 * between layers, which layer reads and writes which, and how the loss meets the last layer.
 * Flatten needs no code: in C,H,W order a volume already is its flattened vector, so it shares
 * its input's buffers. A final softmax or sigmoid becomes an {@link OutputStage} fused with the
 * loss, whose gradient with respect to the logits is simply p - y.
 *
 * <p>An inference plan (for the embeddable class) leaves dropout out as well: at inference it is
 * the identity, so it too shares its input's buffers. Everything else is planned as for
 * training, so both classes run the same forward code.
 */
record NetworkPlan(Network network, boolean inference, Buffer input, List<Step> steps, Optional<OutputStage> outputStage,
        Buffer output, Buffer outputGrad) {

    /** A float[] field holding one value per example times the batch capacity. */
    record Buffer(String name, int perExample) {}

    /**
     * One layer's code.
     *
     * @param inGrad where the gradient for the layer's input goes
     * @param inGradOnDemand true when the input is the network's input, whose gradient only
     *     gradient checks want
     * @param activation the activation applied in this layer's loops (linear when the output stage took it)
     * @param reluInput true for a max pool over a convolution's ReLU output: its input is never
     *     negative, and its backward pass applies the ReLU's derivative for the convolution
     * @param derivativeApplied true for that convolution: its output gradient arrives with the
     *     derivative already applied
     * @param fusedPool in an inference plan, the max pool that a stride-1 ReLU convolution runs on
     *     each output plane while it is still in cache; {@code out} is then the pool's output, and
     *     the pool has no step of its own (null otherwise)
     */
    record Step(Layer layer, Buffer in, Buffer out, Buffer inGrad, boolean inGradOnDemand, Buffer outGrad,
            Activation activation, boolean reluInput, boolean derivativeApplied, Layer.Pool fusedPool) {

        Step(Layer layer, Buffer in, Buffer out, Buffer inGrad, boolean inGradOnDemand, Buffer outGrad,
                Activation activation) {
            this(layer, in, out, inGrad, inGradOnDemand, outGrad, activation, false, false, null);
        }
    }

    /** Softmax or sigmoid at the end, fused with its cross-entropy loss. */
    record OutputStage(Activation activation, Buffer logits, Buffer probabilities, Buffer logitsGrad) {}

    static NetworkPlan of(Network network) {
        return of(network, false);
    }

    static NetworkPlan of(Network network, boolean inference) {
        var input = new Buffer("input", network.input().size());
        var inputGrad = new Buffer("inputGrad", network.input().size());
        var steps = new ArrayList<Step>();
        Buffer current = input;
        Buffer currentGrad = inputGrad;
        OutputStage stage = null;
        List<Layer> layers = network.layers();
        boolean fusedLoss = network.loss() != Loss.MEAN_SQUARED_ERROR;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (last && fusedLoss && layer instanceof Layer.ActivationLayer a) {
                var probabilities = new Buffer(layer.name() + "Out", layer.out().size());
                stage = new OutputStage(a.activation(), current, probabilities, currentGrad);
                current = probabilities;
                currentGrad = null;
                break;
            }
            if (layer instanceof Layer.Flatten || (inference && layer instanceof Layer.Dropout)) {
                continue;
            }
            var out = new Buffer(layer.name() + "Out", layer.out().size());
            var outGrad = new Buffer(layer.name() + "Grad", layer.out().size());
            Activation activation = activationOf(layer);
            if (last && fusedLoss) {
                var probabilities = new Buffer("output", layer.out().size());
                stage = new OutputStage(activation, out, probabilities, outGrad);
                activation = Activation.LINEAR;
            }
            var step = new Step(layer, current, out, currentGrad, current == input, outGrad, activation);
            Step previous = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            if (inference && !last && PoolEmitter.foldsRelu(layer, previous) && ((Layer.Conv) previous.layer()).stride() == 1) {
                // the convolution pools each plane it computes; its own output is never stored
                steps.set(steps.size() - 1, new Step(previous.layer(), previous.in(), out, null, false, null,
                        previous.activation(), false, false, (Layer.Pool) layer));
                current = out;
                continue;
            }
            if (PoolEmitter.foldsRelu(layer, previous)) {
                steps.set(steps.size() - 1, new Step(previous.layer(), previous.in(), previous.out(), previous.inGrad(),
                        previous.inGradOnDemand(), previous.outGrad(), previous.activation(), false, true, null));
                step = new Step(layer, current, out, currentGrad, false, outGrad, activation, true, false, null);
            }
            steps.add(step);
            current = stage != null ? stage.probabilities() : out;
            currentGrad = stage != null ? null : outGrad;
        }
        return new NetworkPlan(network, inference, input, steps, Optional.ofNullable(stage), current, currentGrad);
    }

    static Activation activationOf(Layer layer) {
        if (layer instanceof Layer.Conv c) {
            return c.activation();
        } else if (layer instanceof Layer.Dense d) {
            return d.activation();
        } else if (layer instanceof Layer.ActivationLayer a) {
            return a.activation();
        }
        return Activation.LINEAR;
    }

    /** Every buffer that needs a field, each once (flatten shares, so names repeat). */
    List<Buffer> buffers() {
        var all = new ArrayList<Buffer>();
        all.add(input);
        all.add(new Buffer("inputGrad", input.perExample()));
        for (Step s : steps) {
            addOnce(all, s.out());
            addOnce(all, s.outGrad());
        }
        outputStage.ifPresent(stage -> addOnce(all, stage.probabilities()));
        return all;
    }

    /** The buffers a forward pass writes: the input, each step's output and the output stage's. */
    List<Buffer> forwardBuffers() {
        var all = new ArrayList<Buffer>();
        all.add(input);
        for (Step s : steps) {
            addOnce(all, s.out());
        }
        outputStage.ifPresent(stage -> addOnce(all, stage.probabilities()));
        return all;
    }

    private static void addOnce(List<Buffer> all, Buffer b) {
        if (b != null && all.stream().noneMatch(x -> x.name().equals(b.name()))) {
            all.add(b);
        }
    }
}
