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
        for (float[] tensor : params) {
            double[] copy = new double[tensor.length];
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) (random.nextGaussian() * 0.5);
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
