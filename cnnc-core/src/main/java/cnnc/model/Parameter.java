package cnnc.model;

import java.util.List;

/**
 * One tensor of a network's state, named as in model files ({@code conv1.weight}) and laid
 * out as PyTorch does: conv [out, in, kh, kw], dense [out, in], biases [out], a batchnorm's
 * four tensors [channels].
 *
 * @param field the Java field holding it in the generated class
 * @param fanIn inputs feeding one output (Glorot initialisation needs it); 0 for the others
 * @param fanOut outputs fed by one input; 0 for the others
 * @param role what the tensor is, which says how it starts and whether the optimizer moves it
 */
public record Parameter(Layer layer, String tensorName, String field, int[] shape, int fanIn, int fanOut, Role role) {

    /** What a tensor is to training. */
    public enum Role {
        /** A conv kernel or dense matrix: Glorot-uniform, trained, penalized by l1 and l2. */
        WEIGHT(true),
        /** A bias, or a batchnorm's shift: zeros, trained. */
        BIAS(true),
        /** A batchnorm's scale: ones, trained. */
        SCALE(true),
        /** A batchnorm's running mean: zeros, updated by the forward pass rather than by the optimizer. */
        RUNNING_MEAN(false),
        /** A batchnorm's running variance: ones, updated by the forward pass rather than by the optimizer. */
        RUNNING_VARIANCE(false);

        private final boolean trained;

        Role(boolean trained) {
            this.trained = trained;
        }
    }

    /** A weight, or a bias when the name ends in {@code .bias}. */
    public Parameter(Layer layer, String tensorName, String field, int[] shape, int fanIn, int fanOut) {
        this(layer, tensorName, field, shape, fanIn, fanOut, tensorName.endsWith(".bias") ? Role.BIAS : Role.WEIGHT);
    }

    public boolean isBias() {
        return role == Role.BIAS;
    }

    /** Whether the optimizer changes it: a tensor it trains, of a layer not frozen. */
    public boolean trainable() {
        return role.trained && layer.trainable();
    }

    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The network's parameters in order: weight then bias of each layer that has them. */
    public static List<Parameter> of(Network network) {
        return network.layers().stream().flatMap(layer -> layer.parameters().stream()).toList();
    }
}
