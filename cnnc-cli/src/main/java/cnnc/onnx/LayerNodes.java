package cnnc.onnx;

import static cnnc.onnx.OnnxGraph.integer;
import static cnnc.onnx.OnnxGraph.ints;
import static cnnc.onnx.OnnxGraph.real;

import cnnc.ast.Activation;
import cnnc.ast.PoolKind;
import cnnc.model.Layer;
import cnnc.model.Parameter;
import cnnc.onnx.proto.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The ONNX nodes of each kind of layer. Volumes flow in N, C, H, W order, the order of ONNX's
 * Conv and pooling operators and of cnnc's own flatten, so the weights go in as the model file
 * holds them (PyTorch's layouts) and a flattened volume reaches the dense layer in the order its
 * weights expect. Each layer's result is a tensor named as the layer, and its main node too
 * ({@code conv1}, {@code pool1}), as the summary names them.
 *
 * <p>A visitor, so that a new kind of layer does not compile until it is exported.
 */
final class LayerNodes implements Layer.Visitor<String> {
    private final OnnxGraph graph;
    private final Map<String, float[]> weights;
    private String input;

    /** @param weights each parameter's values by its tensor name ({@code conv1.weight}) */
    LayerNodes(OnnxGraph graph, Map<String, float[]> weights) {
        this.graph = graph;
        this.weights = weights;
    }

    /** Adds the nodes of {@code layer}, which reads the tensor {@code input}; returns its result's name. */
    String add(Layer layer, String input) {
        this.input = input;
        return layer.accept(this);
    }

    @Override
    public String conv(Layer.Conv conv) {
        return withActivation(conv, "Conv", ints("kernel_shape", conv.kernelHeight(), conv.kernelWidth()),
                ints("strides", conv.stride(), conv.stride()),
                // ONNX orders pads as all the starts, then all the ends
                ints("pads", conv.padTop(), conv.padLeft(), conv.padBottom(), conv.padRight()));
    }

    @Override
    public String pool(Layer.Pool pool) {
        // No padding and ONNX's default ceil_mode 0: a window that would cross the edge is left out, as Keras' 'valid'
        return graph.node(pool.name(), pool.kind() == PoolKind.MAX ? "MaxPool" : "AveragePool", List.of(input),
                pool.name(), pool.source(), ints("kernel_shape", pool.windowHeight(), pool.windowWidth()),
                ints("strides", pool.stride(), pool.stride()));
    }

    @Override
    public String globalPool(Layer.GlobalPool pool) {
        String op = pool.kind() == PoolKind.MAX ? "GlobalMaxPool" : "GlobalAveragePool";
        String plane = graph.node(pool.name(), op, List.of(input), pool.name() + "/" + op, pool.source());
        // N x C x 1 x 1 to the vector of channels that cnnc's layer gives
        return graph.node(pool.name() + "/flatten", "Flatten", List.of(plane), pool.name(), "", integer("axis", 1));
    }

    @Override
    public String pad(Layer.Pad pad) {
        String pads = graph.int64s(pad.name() + ".pads", 0, 0, pad.rows(), pad.columns(), 0, 0, pad.rows(), pad.columns());
        return graph.node(pad.name(), "Pad", List.of(input, pads), pad.name(), pad.source());
    }

    @Override
    public String flatten(Layer.Flatten flatten) {
        return graph.node(flatten.name(), "Flatten", List.of(input), flatten.name(), flatten.source(), integer("axis", 1));
    }

    @Override
    public String dense(Layer.Dense dense) {
        // Gemm with transB: the weight stays [units, inputs] as PyTorch's Linear holds it
        return withActivation(dense, "Gemm", integer("transB", 1));
    }

    @Override
    public String batchNorm(Layer.BatchNorm norm) {
        // inputs as the layer's tensors come: scale, shift, running mean, running variance; ONNX's
        // momentum is Keras' (the share of the running averages kept), used only by training
        return withActivation(norm, "BatchNormalization", real("epsilon", (float) norm.epsilon()),
                real("momentum", (float) norm.momentum()));
    }

    @Override
    public String dropout(Layer.Dropout dropout) {
        // Nothing to compute at inference; the node keeps the layer visible in the graph
        return graph.node(dropout.name(), "Identity", List.of(input), dropout.name(), dropout.source());
    }

    @Override
    public String activation(Layer.ActivationLayer layer) {
        return activation(layer.name(), input, layer.name(), layer, layer.source());
    }

    /** The layer's operator on its input and parameters, then its activation, if it has one, as a node of its own. */
    private String withActivation(Layer layer, String op, AttributeProto... attributes) {
        List<String> inputs = new ArrayList<>(List.of(input));
        for (Parameter p : layer.parameters()) {
            long[] dims = Arrays.stream(p.shape()).asLongStream().toArray();
            inputs.add(graph.floats(p.tensorName(), dims, weights.get(p.tensorName())));
        }
        Activation act = layer.activation();
        if (act == Activation.LINEAR) {
            return graph.node(layer.name(), op, inputs, layer.name(), layer.source(), attributes);
        }
        String linear = graph.node(layer.name(), op, inputs, layer.name() + "/" + op, layer.source(), attributes);
        return activation(layer.name() + "/" + act.keyword(), linear, layer.name(), layer, "");
    }

    /** The activation of {@code layer}, its own or as its option, with the layer's slope or alpha. */
    private String activation(String name, String in, String out, Layer layer, String doc) {
        List<String> inputs = List.of(in);
        float alpha = (float) layer.activationAlpha();
        return switch (layer.activation()) {
            case RELU -> graph.node(name, "Relu", inputs, out, doc);
            case SIGMOID -> graph.node(name, "Sigmoid", inputs, out, doc);
            case TANH -> graph.node(name, "Tanh", inputs, out, doc);
            // the checker allows softmax only on a vector, N x K: over the K classes of each example
            case SOFTMAX -> graph.node(name, "Softmax", inputs, out, doc, integer("axis", 1));
            case LINEAR -> graph.node(name, "Identity", inputs, out, doc);
            case LEAKYRELU -> graph.node(name, "LeakyRelu", inputs, out, doc, real("alpha", alpha));
            case ELU -> graph.node(name, "Elu", inputs, out, doc, real("alpha", alpha));
        };
    }
}
