package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.InMemoryCompiler;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.data.Normalization;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An inference class built with an input normalization, given raw inputs, predicts exactly what
 * the training class computes on the inputs normalized as training normalized them.
 */
class NormalizedInferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"input 5x4x3\nconv 2 3x3 relu\nflatten\ndense 3 softmax\n",
        "input 6x6x1\nconv 2 3x3 relu\npool 2x2\nflatten\ndense 2 softmax\n", "input 7\ndense 3 tanh\n"})
    void rawInputsNormalizedInsideGiveTheTrainingClassesOutputs(String text) throws Throwable {
        Network network = Frontend.compile(new SourceFile("n.cnn", text)).network().orElseThrow();
        var random = new Random(text.length());
        int channels = network.input() instanceof cnnc.model.Shape.Volume v ? v.channels() : 1;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = random.nextFloat();
            std[c] = 0.1f + random.nextFloat();
        }
        var normalization = new Normalization(mean, std);
        CompiledNetwork training = NetworkCompiler.compile(network, Precision.FLOAT);
        float[][] params = (float[][]) training.newParameters();
        for (float[] tensor : params) {
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) random.nextGaussian();
            }
        }
        float[] raw = new float[network.input().size()];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = random.nextFloat();
        }
        float[] normalized = raw.clone();
        normalization.applyInPlace(normalized, channels);
        NetworkInstance instance = training.instantiate(1, params);
        instance.forward(normalized, 0, 1, false);
        float[] expected = (float[]) instance.output();

        var sources = InferenceGenerator.sources(network, "test.norm", "Net",
                new InferenceOptions(0, Optional.of(normalization)));
        assertTrue(sources.get(0).code().contains("private static final float[] INPUT_MEAN = {"), sources.get(0).code());
        Class<?> type = InMemoryCompiler.loader(InMemoryCompiler.compile(sources)).loadClass("test.norm.Net");
        Object net = type.getConstructor(InputStream.class).newInstance(new ByteArrayInputStream(ModelFiles.toBytes(network, params)));
        float[] actual = (float[]) type.getMethod("predict", float[].class).invoke(net, (Object) raw);
        assertArrayEquals(expected, actual);
        float[][] batch = (float[][]) type.getMethod("predict", float[][].class).invoke(net, (Object) new float[][] {raw, raw});
        assertArrayEquals(expected, batch[1]);
    }
}
