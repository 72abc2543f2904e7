package cnnc.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.Frontend;
import cnnc.data.Dataset;
import cnnc.data.Mnist;
import cnnc.data.MnistFiles;
import cnnc.data.Normalization;
import cnnc.diag.SourceFile;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.model.Shape;
import cnnc.train.GlorotUniform;
import cnnc.train.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime, given an exported model and real MNIST test digits, computes what cnnc's
 * inference class computes from the same weights, to 1e-5, for networks that between them hold
 * every kind of layer and every option that changes a layer's arithmetic.
 */
class OnnxRuntimeAgreementTest {
    /** The most an output may differ: float32 sums taken in another order. */
    static final double TOLERANCE = 1e-5;
    private static final int IMAGES = 64;

    private static Path slice;
    private static float[][] digits;

    static Stream<Arguments> networks() {
        return Stream.of(
                // conv: non-square kernel, stride, pad same (the odd pixel bottom and right), pad P, nobias, activations
                // as options; pools with strides whose windows leave out the last row and column; dropout; softmax
                Arguments.of("strides, same padding, windows at the edge", """
                        input 28x28x1
                        conv 4 3x5 stride 2 pad same relu
                        pool max 3x3 stride 2
                        conv 6 3x3 pad 1 sigmoid nobias
                        pool avg 2x2 stride 1
                        flatten
                        dropout 0.3
                        dense 16 tanh
                        dense 10 softmax
                        """),
                Arguments.of("padding layer, global max pool, leakyrelu and elu", """
                        input 28x28x1
                        pad 2
                        conv 5 4x4 stride 3 leakyrelu
                        pool avg 3x3 stride 2
                        conv 6 3x3 pad valid elu
                        relu
                        pool max global
                        dense 12 nobias
                        elu
                        dropout 0.5
                        dense 10 elu
                        leakyrelu
                        """),
                Arguments.of("rows and columns padded apart, global average pool, one sigmoid unit", """
                        input 28x28x1
                        pad 1x3
                        conv 3 3x3 stride 2 pad 2 tanh
                        sigmoid
                        pool avg global
                        dense 4 relu
                        relu
                        dense 1 sigmoid
                        """),
                Arguments.of("a vector input and standalone activations", """
                        input 784
                        dense 32 leakyrelu
                        tanh
                        dense 10 linear
                        linear
                        softmax
                        """),
                Arguments.of("batchnorm per channel and per unit, slopes and alphas of their own", """
                        input 28x28x1
                        conv 6 3x3 nobias
                        batchnorm
                        leakyrelu 0.2
                        pool max 2x2
                        conv 8 3x3 elu 0.5 nobias
                        batchnorm momentum 0.9 epsilon 0.01
                        flatten
                        dense 16 nobias
                        batchnorm
                        elu 2
                        dense 10 leakyrelu 0.05
                        softmax
                        """),
                Arguments.of("a volume output, channels last", """
                        input 28x28x1
                        conv 3 5x5 stride 2 pad same
                        pool max 2x2
                        tanh
                        """),
                Arguments.of("examples/lab.cnn", read("examples/lab.cnn")),
                Arguments.of("examples/lenet5-mnist.cnn", read("examples/lenet5-mnist.cnn")),
                Arguments.of("examples/mlp.cnn", read("examples/mlp.cnn")),
                Arguments.of("examples/binary.cnn", read("examples/binary.cnn")));
    }

    @BeforeAll
    static void loadDigits() {
        slice = CliRun.mnistSlice();
        Dataset test = Mnist.load(MnistFiles.in(slice)).test();
        digits = new float[IMAGES][];
        for (int i = 0; i < IMAGES; i++) {
            digits[i] = test.image(i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void onnxRuntimeComputesWhatTheInferenceClassDoes(String name, String text) throws Exception {
        Network network = network(text);
        float[][] params = randomWeights(network, text.hashCode());
        float[][] expected = InferenceClass.predict(network, params, Optional.empty(), digits);
        OnnxRuntimeRun run = OnnxRuntimeRun.of(OnnxExport.toBytes(network, params, Optional.empty()), digits, inputShape(network));

        assertArrayEquals(outputShape(network), run.shape());
        double diff = 0;
        for (int n = 0; n < IMAGES; n++) {
            diff = Math.max(diff, maxAbsDiff(channelsLast(network.output(), expected[n]), run.example(n)));
        }
        System.out.printf("%s: max |ONNX Runtime - inference class| = %.3g%n", name, diff);
        assertTrue(diff <= TOLERANCE, name + ": outputs differ by " + diff);
        // Agreement means something only if the outputs depend on the digit
        double spread = 0;
        for (int n = 1; n < IMAGES; n++) {
            spread = Math.max(spread, maxAbsDiff(expected[0], expected[n]));
        }
        assertTrue(spread > 100 * TOLERANCE, name + ": the outputs hardly depend on the input: " + spread);
    }

    @Test
    void aModelTrainedWithNormalizationNormalizesInside() throws Exception {
        Network network = network(read("examples/lab.cnn"));
        float[][] params = randomWeights(network, 7);
        var normalization = Optional.of(new Normalization(new float[] {0.1307f}, new float[] {0.3081f}));
        float[][] expected = InferenceClass.predict(network, params, normalization, digits);
        byte[] model = OnnxExport.toBytes(network, params, normalization);
        OnnxRuntimeRun run = OnnxRuntimeRun.of(model, digits, 28, 28, 1);
        OnnxRuntimeRun unnormalized = OnnxRuntimeRun.of(OnnxExport.toBytes(network, params, Optional.empty()), digits, 28, 28, 1);
        double diff = 0;
        double withoutNormalization = 0;
        for (int n = 0; n < IMAGES; n++) {
            diff = Math.max(diff, maxAbsDiff(expected[n], run.example(n)));
            withoutNormalization = Math.max(withoutNormalization, maxAbsDiff(expected[n], unnormalized.example(n)));
        }
        assertTrue(diff <= TOLERANCE, "outputs differ by " + diff);
        assertTrue(withoutNormalization > 1e-3, "normalization changes nothing: " + withoutNormalization);
    }

    @Test
    void aNetworkTrainedWithNormalizationAndExportedByTheCommandLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliRun train = CliRun.of("train", "examples/lab.cnn", "--data", slice.toString(), "--epochs", "1", "--limit", "500",
                "--normalize", "--out", out.toString());
        assertEquals(0, train.exitCode(), train.transcript());
        Path onnx = dir.resolve("lab.onnx");
        CliRun export = CliRun.of("export", "--model", out.toString(), "-o", onnx.toString());
        assertEquals(0, export.exitCode(), export.transcript());

        Network network = network(read("examples/lab.cnn"));
        SafeTensorsFile model = SafeTensors.read(out.resolve("model.safetensors"));
        float[][] params = ModelFiles.load(model, "model.safetensors", network);
        var normalization = Normalization.fromMetadata(model.metadata().get(Normalization.METADATA_KEY));
        assertTrue(normalization.isPresent());
        float[][] expected = InferenceClass.predict(network, params, normalization, digits);
        OnnxRuntimeRun run = OnnxRuntimeRun.of(Files.readAllBytes(onnx), digits, 28, 28, 1);
        double diff = 0;
        for (int n = 0; n < IMAGES; n++) {
            diff = Math.max(diff, maxAbsDiff(expected[n], run.example(n)));
        }
        System.out.printf("lab trained one epoch, exported by the command line: max |ONNX Runtime - inference class| = %.3g%n",
                diff);
        assertTrue(diff <= TOLERANCE, "outputs differ by " + diff);
    }

    @Test
    void theBatchSizeIsTheCallersChoice() throws Exception {
        Network network = network(read("examples/lab.cnn"));
        float[][] params = randomWeights(network, 11);
        byte[] model = OnnxExport.toBytes(network, params, Optional.empty());
        OnnxRuntimeRun all = OnnxRuntimeRun.of(model, digits, 28, 28, 1);
        OnnxRuntimeRun one = OnnxRuntimeRun.of(model, new float[][] {digits[5]}, 28, 28, 1);
        assertEquals(1, one.shape()[0]);
        assertTrue(maxAbsDiff(all.example(5), one.example(0)) <= TOLERANCE);
    }

    static Network network(String text) {
        var result = Frontend.compile(new SourceFile("test.cnn", text));
        return result.network().orElseThrow(() -> new AssertionError(result.diagnostics()));
    }

    /** Glorot-uniform kernels as training starts from, and biases away from their initial zeros so they count too. */
    static float[][] randomWeights(Network network, long seed) {
        List<Parameter> parameters = Parameter.of(network);
        float[][] params = new float[parameters.size()][];
        for (int t = 0; t < params.length; t++) {
            params[t] = new float[parameters.get(t).size()];
        }
        GlorotUniform.initialize(parameters, params, seed);
        var random = new Random(seed);
        for (int t = 0; t < params.length; t++) {
            for (int i = 0; i < params[t].length; i++) {
                switch (parameters.get(t).role()) {
                    case BIAS, RUNNING_MEAN -> params[t][i] = random.nextFloat() - 0.5f;
                    // a batchnorm's scale and variance away from their initial ones, the variance positive
                    case SCALE, RUNNING_VARIANCE -> params[t][i] = 0.5f + random.nextFloat();
                    case WEIGHT -> { }
                }
            }
        }
        return params;
    }

    private static long[] inputShape(Network network) {
        return network.input() instanceof Shape.Volume v ? new long[] {v.height(), v.width(), v.channels()}
                : new long[] {network.input().size()};
    }

    private static long[] outputShape(Network network) {
        return network.output() instanceof Shape.Volume v ? new long[] {IMAGES, v.height(), v.width(), v.channels()}
                : new long[] {IMAGES, network.output().size()};
    }

    /** The inference class gives a volume in C, H, W order; the ONNX output is channels last, as the input. */
    private static float[] channelsLast(Shape shape, float[] chw) {
        if (!(shape instanceof Shape.Volume v)) {
            return chw;
        }
        float[] hwc = new float[chw.length];
        for (int c = 0; c < v.channels(); c++) {
            for (int h = 0; h < v.height(); h++) {
                for (int w = 0; w < v.width(); w++) {
                    hwc[(h * v.width() + w) * v.channels() + c] = chw[(c * v.height() + h) * v.width() + w];
                }
            }
        }
        return hwc;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
