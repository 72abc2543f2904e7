package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/** The generated float32 forward pass equals the naive double reference within 1e-5. */
class ForwardMatchesReferenceProperties {
    private static final int BATCH = 4;

    @Property(tries = 40, seed = "98660", shrinking = ShrinkingMode.OFF)
    void generatedForwardEqualsReference(@ForAll long seed) {
        var random = new Random(seed);
        checkForward(GradientCheckProperties.draw(random), random);
    }

    /** The Vector API backend's convolutions against the same reference. */
    @Property(tries = 25, seed = "98661", shrinking = ShrinkingMode.OFF)
    void vectorForwardEqualsReference(@ForAll long seed) {
        var random = new Random(seed);
        checkForward(GradientCheckProperties.draw(random), random, Backend.VECTOR);
    }

    @Example
    void largeKernelsToo() {
        for (String source : new String[] {
            "input 10x11x2\nconv 2 9x8 pad 1 tanh\nflatten\ndense 3 softmax\n",
            "input 13x13x1\nconv 2 9x9 stride 2 relu\nflatten\ndense 2 sigmoid\n"}) {
            checkForward(RandomNetworks.parse(source), new Random(5));
        }
    }

    @Example
    void tapSumsInSeveralLoops() {
        for (String source : GradientCheckProperties.SPLIT_TAP_SUMS) {
            for (Backend backend : Backend.values()) {
                checkForward(RandomNetworks.parse(source), new Random(7), backend);
            }
        }
    }

    /**
     * Strides that do not tile the input: the output is floored (PyTorch, Keras) and the last rows
     * and columns are never read, so their gradient is zero.
     */
    @Example
    void stridesThatDoNotTile() {
        for (String source : GradientCheckProperties.NON_TILING) {
            for (Backend backend : Backend.values()) {
                checkForward(RandomNetworks.parse(source), new Random(5), backend);
            }
        }
    }

    @Example
    void newerLayerKinds() {
        for (String source : GradientCheckProperties.NEWER_KINDS) {
            for (Backend backend : Backend.values()) {
                checkForward(RandomNetworks.parse(source), new Random(7), backend);
            }
        }
    }

    /**
     * Training: each batchnorm normalizes with the batch's mean and biased variance, and moves its running
     * averages towards the mean and the unbiased variance (the reference computes both in two passes, the
     * generated code in one).
     */
    @Example
    void batchNormOnBatchStatistics() {
        for (String source : new String[] {
            "input 6x6x2\nconv 3 3x3 nobias\nbatchnorm\nleakyrelu 0.2\nflatten\ndense 4 nobias\nbatchnorm momentum 0.9 epsilon 1e-5\n"
                    + "relu\ndense 3 softmax\n",
            "input 7x7x1\nconv 4 2x2 relu\npool 2x2\nbatchnorm\nconv 2 2x2 elu\nbatchnorm freeze\npool avg global\nbatchnorm\n"
                    + "dense 2 sigmoid\n",
            "input 5\ndense 40 tanh\nbatchnorm momentum 0.5\nbatchnorm\ndense 3\nbatchnorm\n"}) {
            for (Backend backend : Backend.values()) {
                checkTrainingForward(RandomNetworks.parse(source), new Random(13), backend);
            }
        }
    }

    private static void checkTrainingForward(Network network, Random random, Backend backend) {
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
        var params = (float[][]) compiled.newParameters();
        var reference = new ArrayList<double[]>();
        for (int t = 0; t < params.length; t++) {
            for (int i = 0; i < params[t].length; i++) {
                params[t][i] = (float) RandomNetworks.value(compiled.parameters().get(t), random);
            }
            reference.add(toDoubles(params[t]));
        }
        int inputs = network.input().size();
        float[] x = new float[BATCH * inputs];
        var examples = new ArrayList<double[]>();
        for (int n = 0; n < BATCH; n++) {
            double[] example = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                x[n * inputs + i] = (float) (random.nextDouble() * 4 - 1);
                example[i] = x[n * inputs + i];
            }
            examples.add(example);
        }
        NetworkInstance net = compiled.instantiate(BATCH, params);
        net.forward(x, 0, BATCH, true);
        float[] out = (float[]) net.output();
        List<double[]> expected = ReferenceNetwork.forward(network, reference, examples, true);
        List<String> failures = new ArrayList<>();
        int outputs = network.output().size();
        for (int n = 0; n < BATCH; n++) {
            for (int j = 0; j < outputs; j++) {
                compare(failures, "example " + n + " output " + j, out[n * outputs + j], expected.get(n)[j]);
            }
        }
        for (int t = 0; t < params.length; t++) {
            for (int i = 0; i < params[t].length; i++) {
                compare(failures, compiled.parameters().get(t).tensorName() + "[" + i + "] after the step", params[t][i],
                        reference.get(t)[i]);
            }
        }
        if (!failures.isEmpty()) {
            fail("training forward differs from the reference (" + backend + ") for\n" + network.source().text() + "\n"
                    + String.join("\n", failures));
        }
    }

    private static void compare(List<String> failures, String what, double got, double expected) {
        if (!(Math.abs(got - expected) <= 1e-5 * Math.max(1, Math.abs(expected)))) {
            failures.add(what + ": generated " + got + ", reference " + expected);
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /**
     * Layers wider than two vectors: the vector backend's dense tiles then cover several vector
     * pairs, the last one partial (the random networks' dense layers fit in one vector).
     */
    @Example
    void wideDenseLayersToo() {
        for (String source : new String[] {
            "input 70\ndense 37 relu\ndense 5 softmax\n",
            "input 6x6x2\nconv 3 3x3 relu\nflatten\ndense 50 tanh\ndense 33 sigmoid\n"}) {
            for (Backend backend : Backend.values()) {
                checkForward(RandomNetworks.parse(source), new Random(7), backend);
            }
        }
    }

    private static void checkForward(Network network, Random random) {
        checkForward(network, random, Backend.SCALAR);
    }

    private static void checkForward(Network network, Random random, Backend backend) {
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
        var params = (float[][]) compiled.newParameters();
        var reference = new ArrayList<double[]>();
        for (int t = 0; t < params.length; t++) {
            float[] tensor = params[t];
            double[] copy = new double[tensor.length];
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) RandomNetworks.value(compiled.parameters().get(t), random);
                copy[i] = tensor[i];
            }
            reference.add(copy);
        }
        NetworkInstance net = compiled.instantiate(BATCH, params);
        int inputs = network.input().size();
        int outputs = network.output().size();
        float[] x = new float[BATCH * inputs + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        int offset = 3; // the offset argument is honoured
        net.forward(x, offset, BATCH, false);
        float[] out = (float[]) net.output();
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < BATCH; n++) {
            double[] example = new double[inputs];
            for (int i = 0; i < inputs; i++) {
                example[i] = x[offset + n * inputs + i];
            }
            double[] expected = ReferenceNetwork.forward(network, reference, example);
            for (int j = 0; j < outputs; j++) {
                double got = out[n * outputs + j];
                if (!(Math.abs(got - expected[j]) <= 1e-5 * Math.max(1, Math.abs(expected[j])))) {
                    failures.add("example " + n + " output " + j + ": generated " + got + ", reference " + expected[j]);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail("forward differs from the reference for\n" + network.source().text() + "\n" + String.join("\n", failures));
        }
    }
}
