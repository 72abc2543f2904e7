package cnnc.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.data.Normalization;
import cnnc.io.Json;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.onnx.proto.Onnx.GraphProto;
import cnnc.onnx.proto.Onnx.ModelProto;
import cnnc.onnx.proto.Onnx.NodeProto;
import cnnc.onnx.proto.Onnx.TensorProto;
import cnnc.onnx.proto.Onnx.TensorShapeProto;
import cnnc.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an exported file holds, read back with the schema: operator set, input and output, nodes named as the summary names layers, weights. */
class OnnxGraphTest {

    @Test
    void theLabNetworkIsThisGraph() throws Exception {
        Network network = OnnxRuntimeAgreementTest.network(Files.readString(Path.of("examples/lab.cnn")));
        ModelProto model = ModelProto.parseFrom(OnnxExport.toBytes(network, weights(network), Optional.empty()));

        assertEquals(8, model.getIrVersion());
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("cnnc", model.getProducerName());
        GraphProto graph = model.getGraph();
        assertEquals("test", graph.getName());
        assertEquals(List.of("input: N x 28 x 28 x 1"), graph.getInputList().stream().map(OnnxGraphTest::describe).toList());
        assertEquals(List.of("output: N x 10"), graph.getOutputList().stream().map(OnnxGraphTest::describe).toList());
        assertEquals(List.of(
                "to_nchw Transpose(input) -> input/nchw",
                "conv1 Conv(input/nchw, conv1.weight, conv1.bias) -> conv1/Conv",
                "conv1/relu Relu(conv1/Conv) -> conv1",
                "pool1 MaxPool(conv1) -> pool1",
                "conv2 Conv(pool1, conv2.weight, conv2.bias) -> conv2/Conv",
                "conv2/relu Relu(conv2/Conv) -> conv2",
                "pool2 MaxPool(conv2) -> pool2",
                "flatten1 Flatten(pool2) -> flatten1",
                "dense1 Gemm(flatten1, dense1.weight, dense1.bias) -> dense1/Gemm",
                "dense1/relu Relu(dense1/Gemm) -> dense1",
                "dense2 Gemm(dense1, dense2.weight, dense2.bias) -> dense2/Gemm",
                "dense2/softmax Softmax(dense2/Gemm) -> output"),
                graph.getNodeList().stream().map(OnnxGraphTest::describe).toList());
        assertEquals("conv 10 3x3 relu", graph.getNode(1).getDocString());
        // each layer's shape inside the graph, channels first, where viewers show it
        assertEquals(List.of("conv1: N x 10 x 26 x 26", "pool1: N x 10 x 13 x 13", "conv2: N x 5 x 11 x 11",
                "pool2: N x 5 x 5 x 5", "flatten1: N x 125", "dense1: N x 64"),
                graph.getValueInfoList().stream().map(OnnxGraphTest::describe).toList());
    }

    @Test
    void theWeightsAreTheModelFilesInPyTorchsLayout() throws Exception {
        Network network = OnnxRuntimeAgreementTest.network(Files.readString(Path.of("examples/lab.cnn")));
        float[][] params = weights(network);
        GraphProto graph = ModelProto.parseFrom(OnnxExport.toBytes(network, params, Optional.empty())).getGraph();
        List<Parameter> parameters = Parameter.of(network);
        assertEquals(parameters.size(), graph.getInitializerCount());
        for (int t = 0; t < parameters.size(); t++) {
            TensorProto tensor = graph.getInitializer(t);
            assertEquals(parameters.get(t).tensorName(), tensor.getName());
            assertEquals(TensorProto.DataType.FLOAT.getNumber(), tensor.getDataType());
            assertArrayEquals(parameters.get(t).shape(), tensor.getDimsList().stream().mapToInt(Long::intValue).toArray());
            float[] values = new float[params[t].length];
            ByteBuffer.wrap(tensor.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            assertArrayEquals(params[t], values);
        }
    }

    @Test
    void everyLayerTheSummaryListsIsANodeOfItsName() throws Exception {
        String text = "input 28x28x1\npad 2\nconv 4 3x3 stride 2 pad same nobias\nrelu\npool avg 2x2\npool max global\n"
                + "dropout 0.2\ndense 10\nsoftmax\n";
        Path file = Files.writeString(Files.createTempFile("every-kind", ".cnn"), text);
        CliRun summary = CliRun.of("summary", file.toString(), "--json");
        Files.delete(file);
        assertEquals(0, summary.exitCode(), summary.transcript());
        List<String> layers = ((List<?>) ((Map<?, ?>) Json.parse(summary.out().trim())).get("layers")).stream()
                .map(layer -> (String) ((Map<?, ?>) layer).get("name")).toList();
        assertEquals(List.of("pad1", "conv1", "relu1", "pool1", "pool2", "dropout1", "dense1", "softmax1"), layers);

        Network network = OnnxRuntimeAgreementTest.network(text);
        GraphProto graph = ModelProto.parseFrom(OnnxExport.toBytes(network, weights(network), Optional.empty())).getGraph();
        List<String> nodes = graph.getNodeList().stream().map(NodeProto::getName).toList();
        assertEquals(layers, nodes.stream().filter(layers::contains).toList());
        assertEquals(nodes.size(), nodes.stream().distinct().count(), "node names repeat: " + nodes);
        assertEquals(List.of("to_nchw", "pad1", "conv1", "relu1", "pool1", "pool2", "pool2/flatten", "dropout1", "dense1",
                "softmax1"), nodes);
        assertEquals(List.of("pad1.pads", "conv1.weight", "dense1.weight", "dense1.bias"),
                graph.getInitializerList().stream().map(TensorProto::getName).toList());
    }

    @Test
    void aNormalizedModelNormalizesBeforeTheTranspose() throws Exception {
        Network network = OnnxRuntimeAgreementTest.network("input 4x4x3\nconv 2 3x3\nflatten\ndense 2\n");
        var normalization = new Normalization(new float[] {0.1f, 0.2f, 0.3f}, new float[] {1f, 2f, 3f});
        GraphProto graph = ModelProto.parseFrom(OnnxExport.toBytes(network, weights(network), Optional.of(normalization)))
                .getGraph();
        assertEquals(List.of("normalize/mean Sub(input, normalize.mean) -> normalize/centered",
                "normalize Div(normalize/centered, normalize.std) -> normalized",
                "to_nchw Transpose(normalized) -> input/nchw"),
                graph.getNodeList().subList(0, 3).stream().map(OnnxGraphTest::describe).toList());
        var wrongChannels = Optional.of(new Normalization(new float[] {0f}, new float[] {1f}));
        var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(network, weights(network), wrongChannels));
        assertTrue(e.getMessage().contains("1 channels but the input 4x4x3 has 3"), e.getMessage());
    }

    @Test
    void weightsThatDoNotFitTheNetworkAreRefused() {
        Network network = OnnxRuntimeAgreementTest.network("input 4\ndense 2\n");
        var e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.toBytes(network, new float[][] {new float[8], new float[3]}, Optional.empty()));
        assertEquals("dense1.bias needs 2 values, not 3", e.getMessage());
    }

    private static float[][] weights(Network network) {
        return OnnxRuntimeAgreementTest.randomWeights(network, 5);
    }

    private static String describe(NodeProto node) {
        return node.getName() + " " + node.getOpType() + "(" + String.join(", ", node.getInputList()) + ") -> "
                + String.join(", ", node.getOutputList());
    }

    private static String describe(ValueInfoProto value) {
        var dims = new StringBuilder();
        assertEquals(TensorProto.DataType.FLOAT.getNumber(), value.getType().getTensorType().getElemType());
        for (TensorShapeProto.Dimension d : value.getType().getTensorType().getShape().getDimList()) {
            dims.append(dims.length() == 0 ? "" : " x ").append(d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()));
        }
        return value.getName() + ": " + dims;
    }
}
