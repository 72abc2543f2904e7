package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.InMemoryCompiler;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/**
 * The inference class that {@code build} packs predicts exactly what the training class's forward
 * pass (training off) computes: the same float bits, for random networks of every layer kind,
 * dropout and padding included, one example at a time and in batches. Its weights go in as the
 * safetensors bytes training writes, so this also exercises its reader.
 */
class InferenceMatchesTrainingProperties {
    private static final int EXAMPLES = 5;

    @Property(tries = 25, seed = "4117", shrinking = ShrinkingMode.OFF)
    void inferenceEqualsTrainingForwardBitForBit(@ForAll long seed) throws Throwable {
        var random = new Random(seed);
        assertInferenceMatchesTraining(GradientCheckProperties.draw(random), random);
    }

    /**
     * The inference class pools inside a stride-1 ReLU convolution's loop, where the training
     * class has two layers: windows that tile, that overlap, that drop an edge, after padding,
     * written out one by one in narrow rows and looped over in wide ones.
     */
    @Example
    void fusedConvolutionAndPoolingMatchTraining() throws Throwable {
        for (String body : new String[] {
            "input 12x10x2\nconv 3 3x3 relu\npool 2x2\nconv 2 2x2 relu\npool 2x2 stride 1\n",
            "input 11x11x1\nconv 2 2x2 pad same relu\npool 3x3 stride 2\n",
            "input 9x13x3\nconv 4 3x2 pad 1 relu\npool 2x2\nrelu\n",
            // a second pool right after the fused one keeps its own step
            "input 14x14x1\nconv 2 3x3 relu\npool 2x2 stride 1\npool 2x2\n",
            "input 14x14x1\nconv 2 3x3 relu\ndropout 0.5\npool 2x2\n",
            // pooled rows wider than the unrolled ones (17 windows): the loop over windows
            "input 8x36x1\nconv 2 3x3 relu\npool 2x2\n"}) {
            var network = cnnc.Frontend.compile(new cnnc.diag.SourceFile("fused.cnn", body + "flatten\ndense 3 softmax\n"))
                    .network().orElseThrow();
            assertInferenceMatchesTraining(network, new Random(body.length()));
        }
    }

    /**
     * Kernels whose sums take several loops, and rows short enough that the inference class puts
     * several examples side by side in them (pooled inside the convolution's loop or not), with
     * batches that leave a partial group at the end.
     */
    @Example
    void splitTapSumsAndExamplesSideBySideMatchTraining() throws Throwable {
        var sources = new java.util.ArrayList<>(List.of(GradientCheckProperties.SPLIT_TAP_SUMS));
        sources.add("input 14x14x1\nconv 3 5x5 relu\npool 2x2\nconv 2 3x3 relu\npool 2x2\nflatten\ndense 3 softmax\n");
        for (String source : sources) {
            assertInferenceMatchesTraining(RandomNetworks.parse(source), new Random(source.length()));
        }
    }

    /** Batchnorm, per channel and per unit, frozen or not, normalizes with the running averages in both classes. */
    @Example
    void batchnormMatchesTraining() throws Throwable {
        for (String source : GradientCheckProperties.NEWER_KINDS) {
            if (source.contains("batchnorm")) {
                assertInferenceMatchesTraining(RandomNetworks.parse(source), new Random(source.length()));
            }
        }
    }

    private static void assertInferenceMatchesTraining(Network network, Random random) throws Throwable {
        CompiledNetwork training = NetworkCompiler.compile(network, Precision.FLOAT);
        var params = (float[][]) training.newParameters();
        for (int t = 0; t < params.length; t++) {
            float[] tensor = params[t];
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) RandomNetworks.value(training.parameters().get(t), random);
            }
        }
        int inputs = network.input().size();
        int outputs = network.output().size();
        float[] x = new float[EXAMPLES * inputs];
        float[][] examples = new float[EXAMPLES][inputs];
        for (int n = 0; n < EXAMPLES; n++) {
            for (int i = 0; i < inputs; i++) {
                x[n * inputs + i] = examples[n][i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        NetworkInstance net = training.instantiate(EXAMPLES, params);
        net.forward(x, 0, EXAMPLES, false);
        float[] expected = (float[]) net.output();

        List<GeneratedSource> sources = InferenceGenerator.sources(network, "test.inference", "Net");
        GeneratedSource source = sources.get(0);
        Map<String, byte[]> classes = InMemoryCompiler.compile(sources);
        Class<?> type = InMemoryCompiler.loader(classes).loadClass(source.qualifiedName());
        var lookup = MethodHandles.publicLookup();
        Object inference = lookup.findConstructor(type, MethodType.methodType(void.class, InputStream.class))
                .invoke(new ByteArrayInputStream(ModelFiles.toBytes(network, params)));
        MethodHandle one = lookup.findVirtual(type, "predict", MethodType.methodType(float[].class, float[].class));
        MethodHandle batch = lookup.findVirtual(type, "predict", MethodType.methodType(float[][].class, float[][].class));
        float[][] batched = (float[][]) batch.invoke(inference, examples);
        assertEquals(EXAMPLES, batched.length);

        List<String> failures = new ArrayList<>();
        for (int n = 0; n < EXAMPLES; n++) {
            float[] single = (float[]) one.invoke(inference, examples[n]);
            for (int j = 0; j < outputs; j++) {
                int want = Float.floatToRawIntBits(expected[n * outputs + j]);
                if (Float.floatToRawIntBits(single[j]) != want || Float.floatToRawIntBits(batched[n][j]) != want) {
                    failures.add("example " + n + " output " + j + ": training " + expected[n * outputs + j]
                            + ", predict " + single[j] + ", batch " + batched[n][j]);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail("inference differs from training for\n" + network.source().text() + "\n" + String.join("\n", failures));
        }
    }
}
