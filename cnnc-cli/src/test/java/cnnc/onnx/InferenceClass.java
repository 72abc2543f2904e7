package cnnc.onnx;

import cnnc.codegen.InferenceGenerator;
import cnnc.codegen.InferenceOptions;
import cnnc.compile.InMemoryCompiler;
import cnnc.data.Normalization;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Optional;

/** cnnc's own answer: the inference class that {@code cnnc build} packs, compiled in memory with the same weights. */
final class InferenceClass {
    private InferenceClass() {}

    /** Each example's outputs, as {@code predict(float[][])} of the generated class gives them. */
    static float[][] predict(Network network, float[][] params, Optional<Normalization> normalization, float[][] examples)
            throws ReflectiveOperationException {
        var sources = InferenceGenerator.sources(network, "test.onnx", "Net", new InferenceOptions(0, normalization));
        Class<?> type = InMemoryCompiler.loader(InMemoryCompiler.compile(sources)).loadClass("test.onnx.Net");
        Object net = type.getConstructor(InputStream.class)
                .newInstance(new ByteArrayInputStream(ModelFiles.toBytes(network, params)));
        return (float[][]) type.getMethod("predict", float[][].class).invoke(net, (Object) examples);
    }
}
