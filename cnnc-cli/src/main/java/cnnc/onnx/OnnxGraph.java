package cnnc.onnx;

import cnnc.onnx.proto.Onnx.AttributeProto;
import cnnc.onnx.proto.Onnx.GraphProto;
import cnnc.onnx.proto.Onnx.NodeProto;
import cnnc.onnx.proto.Onnx.TensorProto;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A graph under construction: nodes in the order they run, and the constant tensors they read.
 * Each node's one output is a tensor named by the caller, so a layer's result carries the
 * layer's name wherever the graph is shown.
 */
final class OnnxGraph {
    private final GraphProto.Builder graph;

    OnnxGraph(String name) {
        graph = GraphProto.newBuilder().setName(name);
    }

    GraphProto.Builder proto() {
        return graph;
    }

    /**
     * Adds a node of the default operator set and returns its output's name.
     *
     * @param doc what the node stands for (the layer's statement), shown by graph viewers; may be empty
     */
    String node(String name, String opType, List<String> inputs, String output, String doc, AttributeProto... attributes) {
        graph.addNode(NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs).addOutput(output)
                .setDocString(doc).addAllAttribute(Arrays.asList(attributes)));
        return output;
    }

    /** Renames the last node's output, the graph's result, e.g. to {@code output}. */
    void renameLastOutput(String name) {
        graph.getNodeBuilder(graph.getNodeCount() - 1).setOutput(0, name);
    }

    /** A float32 constant, stored as raw little-endian bytes as ONNX specifies; returns its name. */
    String floats(String name, long[] dims, float[] values) {
        var bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return constant(name, TensorProto.DataType.FLOAT, dims, bytes);
    }

    /** A one-dimensional int64 constant (shapes and paddings that operators take as inputs); returns its name. */
    String int64s(String name, long... values) {
        var bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return constant(name, TensorProto.DataType.INT64, new long[] {values.length}, bytes);
    }

    private String constant(String name, TensorProto.DataType type, long[] dims, ByteBuffer bytes) {
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .addAllDims(Arrays.stream(dims).boxed().toList())
                // wrapped, not copied: the buffer is never written again, and a large network's weights are not doubled
                .setRawData(UnsafeByteOperations.unsafeWrap(bytes.array())));
        return name;
    }

    static AttributeProto ints(String name, long... values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.stream(values).boxed().toList()).build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }
}
