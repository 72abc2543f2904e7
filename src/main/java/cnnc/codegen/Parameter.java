package cnnc.codegen;

import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.ArrayList;
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

    /** The network's parameters in order: weight then bias of each conv and dense layer. */
    public static List<Parameter> of(Network network) {
        var out = new ArrayList<Parameter>();
        for (Layer layer : network.layers()) {
            String n = layer.name();
            if (layer instanceof Layer.Conv c) {
                int taps = c.kernelHeight() * c.kernelWidth();
                out.add(new Parameter(layer, n + ".weight", n + "Weight",
                        new int[] {c.filters(), c.in().channels(), c.kernelHeight(), c.kernelWidth()},
                        c.in().channels() * taps, c.filters() * taps));
                out.add(new Parameter(layer, n + ".bias", n + "Bias", new int[] {c.filters()}, 0, 0));
            } else if (layer instanceof Layer.Dense d) {
                out.add(new Parameter(layer, n + ".weight", n + "Weight", new int[] {d.units(), d.in().length()},
                        d.in().length(), d.units()));
                out.add(new Parameter(layer, n + ".bias", n + "Bias", new int[] {d.units()}, 0, 0));
            }
        }
        return out;
    }
}
