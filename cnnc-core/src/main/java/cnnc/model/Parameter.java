package cnnc.model;

import java.util.List;

/**
 * One trainable tensor of a network, named as in model files ({@code conv1.weight}) and laid
 * out as PyTorch does: conv [out, in, kh, kw], dense [out, in], biases [out].
 *
 * @param field the Java field holding it in the generated class
 * @param fanIn inputs feeding one output (Glorot initialisation needs it); 0 for biases
 * @param fanOut outputs fed by one input; 0 for biases
 */
public record Parameter(Layer layer, String tensorName, String field, int[] shape, int fanIn, int fanOut) {

    public boolean isBias() {
        return tensorName.endsWith(".bias");
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
