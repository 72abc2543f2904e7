package cnnc.onnx;

import static cnnc.onnx.OnnxGraph.ints;

import cnnc.Version;
import cnnc.data.Normalization;
import cnnc.model.Layer;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.model.Shape;
import cnnc.onnx.proto.Onnx.ModelProto;
import cnnc.onnx.proto.Onnx.OperatorSetIdProto;
import cnnc.onnx.proto.Onnx.StringStringEntryProto;
import cnnc.onnx.proto.Onnx.TensorProto;
import cnnc.onnx.proto.Onnx.TensorShapeProto;
import cnnc.onnx.proto.Onnx.TypeProto;
import cnnc.onnx.proto.Onnx.ValueInfoProto;
import cnnc.train.ModelFiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained network as an ONNX model: the same function as cnnc's inference class. The input
 * {@value #INPUT} is N x H x W x C (channels last, as cnnc takes its inputs) or N x L for a
 * vector, with a symbolic batch size N; the output {@value #OUTPUT} is N x K, or N x H x W x C
 * for a network that ends in a volume. Inside, volumes run in N, C, H, W order (see
 * {@link LayerNodes}), between a Transpose after the input and one before a volume output.
 * A model trained with input normalization normalizes inside, as the inference class does.
 */
public final class OnnxExport {
    /** The ONNX operator set the nodes are written for. */
    public static final int OPSET = 17;
    /** ONNX's IR version 8 (ONNX 1.12), the first to carry opset 17. */
    public static final long IR_VERSION = 8;
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    /** The name of the batch dimension in the input's and output's shapes. */
    public static final String BATCH = "N";
    /**
     * Weights past this do not fit one file: protobuf messages stop at 2 GiB, and ONNX's remedy,
     * weights in files beside the model, is not written. Room is left for the graph itself.
     */
    public static final long MAX_WEIGHT_BYTES = Integer.MAX_VALUE - (64L << 20);

    private OnnxExport() {}

    /** The model's file contents. */
    public static byte[] toBytes(Network network, float[][] params, Optional<Normalization> normalization) {
        return model(network, params, normalization).toByteArray();
    }

    /**
     * The model of {@code network} with {@code params} (in {@link Parameter#of} order, as
     * {@link ModelFiles#load} returns them).
     *
     * @throws IllegalArgumentException if the weights are too large for one ONNX file, or the
     *     parameters or the normalization do not fit the network
     */
    public static ModelProto model(Network network, float[][] params, Optional<Normalization> normalization) {
        var graph = new OnnxGraph(graphName(network));
        var layers = new LayerNodes(graph, weightsByName(network, params));
        String tensor = INPUT;
        if (normalization.isPresent()) {
            tensor = normalize(graph, tensor, normalization.get(), network.input());
        }
        if (network.input() instanceof Shape.Volume) {
            tensor = graph.node("to_nchw", "Transpose", List.of(tensor), INPUT + "/nchw",
                    "the input from channels last to channels first", ints("perm", 0, 3, 1, 2));
        }
        List<Layer> all = network.layers();
        for (int i = 0; i < all.size(); i++) {
            tensor = layers.add(all.get(i), tensor);
            if (i < all.size() - 1 || network.output() instanceof Shape.Volume) {
                // each layer's shape on its edge, for graph viewers; the last one's is the graph output's
                graph.proto().addValueInfo(value(tensor, channelsFirst(all.get(i).out())));
            }
        }
        if (network.output() instanceof Shape.Volume) {
            graph.node("to_nhwc", "Transpose", List.of(tensor), OUTPUT, "the result back to channels last, as the input",
                    ints("perm", 0, 2, 3, 1));
        } else {
            graph.renameLastOutput(OUTPUT);
        }
        graph.proto().addInput(value(INPUT, sizes(network.input()))).addOutput(value(OUTPUT, sizes(network.output())))
                .setDocString(network.source().text());
        return ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("cnnc").setProducerVersion(Version.VERSION)
                .setDocString(network.source().name() + ", exported by cnnc " + Version.VERSION + ". Input " + INPUT + ": "
                        + dims(network.input()) + ", output " + OUTPUT + ": " + dims(network.output()) + ".")
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelFiles.SOURCE_KEY)
                        .setValue(network.source().text()))
                .setGraph(graph.proto()).build();
    }

    /** (x - mean) / std per channel, the arithmetic of cnnc's inference class, on the channels-last input. */
    private static String normalize(OnnxGraph graph, String input, Normalization n, Shape shape) {
        int channels = shape instanceof Shape.Volume v ? v.channels() : 1;
        if (n.channels() != channels) {
            throw new IllegalArgumentException("the normalization has " + n.channels() + " channels but the input "
                    + shape.text() + " has " + channels);
        }
        // shape [C]: broadcasts along the last axis, the channels of N x H x W x C (and the values of N x L)
        String mean = graph.floats("normalize.mean", new long[] {channels}, n.mean());
        String std = graph.floats("normalize.std", new long[] {channels}, n.std());
        String centered = graph.node("normalize/mean", "Sub", List.of(input, mean), "normalize/centered",
                "the input normalized as in training: (x - mean) / std per channel");
        return graph.node("normalize", "Div", List.of(centered, std), "normalized", "");
    }

    private static Map<String, float[]> weightsByName(Network network, float[][] params) {
        List<Parameter> parameters = Parameter.of(network);
        if (params.length != parameters.size()) {
            throw new IllegalArgumentException(network.source().name() + " has " + parameters.size()
                    + " parameter tensors, not " + params.length);
        }
        long bytes = 0;
        var byName = new HashMap<String, float[]>();
        for (int t = 0; t < params.length; t++) {
            Parameter p = parameters.get(t);
            if (params[t].length != p.size()) {
                throw new IllegalArgumentException(p.tensorName() + " needs " + p.size() + " values, not " + params[t].length);
            }
            bytes += (long) params[t].length * Float.BYTES;
            byName.put(p.tensorName(), params[t]);
        }
        if (bytes > MAX_WEIGHT_BYTES) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "the weights of %s take %,d bytes, more than the %,d one ONNX file can hold (protobuf's 2 GiB limit)",
                    network.source().name(), bytes, MAX_WEIGHT_BYTES));
        }
        return byName;
    }

    /** A float tensor of the given sizes after a symbolic batch size. */
    private static ValueInfoProto value(String name, int[] sizes) {
        var dims = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        for (int d : sizes) {
            dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(dims))).build();
    }

    /** The sizes inside the graph: C x H x W for a volume. */
    private static int[] channelsFirst(Shape shape) {
        return shape instanceof Shape.Volume v ? new int[] {v.channels(), v.height(), v.width()} : new int[] {shape.size()};
    }

    /** The sizes of the input and output: H x W x C for a volume (channels last), L for a vector. */
    private static int[] sizes(Shape shape) {
        return shape instanceof Shape.Volume v ? new int[] {v.height(), v.width(), v.channels()}
                : new int[] {shape.size()};
    }

    /** A tensor's shape for people: {@code N x 28 x 28 x 1 (channels last)} or {@code N x 10}. */
    public static String dims(Shape shape) {
        var s = new StringBuilder(BATCH);
        for (int d : sizes(shape)) {
            s.append(" x ").append(d);
        }
        return shape instanceof Shape.Volume ? s.append(" (channels last)").toString() : s.toString();
    }

    /** {@code lab} for {@code examples/lab.cnn}; {@code model} for the source read from {@code out/model.safetensors#cnn_source}. */
    private static String graphName(Network network) {
        String name = network.source().name();
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.contains("#") ? name.substring(0, name.indexOf('#')) : name;
        name = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        return name.isEmpty() ? "network" : name;
    }
}
