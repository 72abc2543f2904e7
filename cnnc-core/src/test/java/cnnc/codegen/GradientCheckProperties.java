package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.model.Loss;
import cnnc.model.Network;
import cnnc.model.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/**
 * The generated backward pass against central finite differences, on random networks that
 * together cover every layer kind and option and both fused losses.
 *
 * <p>Precision: the networks are generated in float64 (the same generator, the number type
 * swapped), with a step of 1e-6. An analytic gradient a passes against the numeric one n when
 * |a - n| <= 1e-8 + 1e-5 * max(|a|, |n|). In float32 the same check would need a tolerance
 * near 1e-2, too loose to catch a wrong factor of a few percent.
 */
class GradientCheckProperties {
    private static final double STEP = 1e-6;
    static final String[] NON_TILING = {
        "input 8x8x2\nconv 3 3x3 stride 2 relu\nflatten\ndense 3 softmax\n",
        "input 7x9x1\nconv 2 2x2 stride 3 tanh\nflatten\ndense 2 sigmoid\n",
        "input 9x8x2\nconv 2 3x2 stride 2 pad 1 relu\npool 2x2\nflatten\ndense 3 softmax\n",
        "input 11x10x1\nconv 3 1x1 stride 2\nconv 2 3x3 stride 3 pad same relu\nflatten\ndense 2 softmax\n",
        "input 10x10x1\nconv 4 2x3 stride 4 relu\nflatten\ndense 3 linear\n"};
    private static final int BATCH = 3;
    private static final int SAMPLES_PER_TENSOR = 25;

    @Property(tries = 40, seed = "20261126", shrinking = ShrinkingMode.OFF)
    void backwardMatchesFiniteDifferences(@ForAll long seed) {
        var random = new Random(seed);
        checkGradients(draw(random), random, seed);
    }

    /** The Vector API backend: its convolutions, with every other layer as in the default. */
    @Property(tries = 25, seed = "20261127", shrinking = ShrinkingMode.OFF)
    void vectorBackwardMatchesFiniteDifferences(@ForAll long seed) {
        var random = new Random(seed);
        checkGradients(draw(random), random, seed, Backend.VECTOR);
    }

    /**
     * A max pool right after a ReLU convolution applies the ReLU's derivative itself; windows
     * whose four outputs are all 0 must pass no gradient back (biased down to make them common).
     */
    @Example
    void maxPoolAfterReluTakesOverTheDerivative() {
        String source = "input 8x8x2\nconv 3 3x3 relu\npool 2x2\nconv 2 2x2 pad same relu\npool 2x2 stride 1\nflatten\ndense 3 softmax\n";
        var network = cnnc.Frontend.compile(new cnnc.diag.SourceFile("fold.cnn", source)).network().orElseThrow();
        for (Backend backend : Backend.values()) {
            checkGradients(network, new Random(11), 11, backend);
        }
    }

    /**
     * Strides that do not tile the input: the output is floored (PyTorch, Keras) and the last rows
     * and columns are never read, so their gradient is zero.
     */
    @Example
    void stridesThatDoNotTile() {
        for (String source : NON_TILING) {
            for (Backend backend : Backend.values()) {
                checkGradients(RandomNetworks.parse(source), new Random(3), 3, backend);
            }
        }
    }

    /**
     * The newer layer kinds: global pooling after a ReLU (ties at 0 in the max) and not, into dense
     * layers and straight into the loss; zero padding; layers without a bias; leaky ReLU and ELU.
     */
    static final String[] NEWER_KINDS = {
        "input 6x5x3\nconv 4 3x3 relu\npool max global\ndense 3 softmax\n",
        "input 7x7x2\nconv 3 2x2 tanh\npool avg global\ndense 2 sigmoid\n",
        "input 5x5x4\npool max global\nsoftmax\n",
        "input 9x9x1\nconv 5 3x3 pad same relu\npool 2x2\npool avg global\ndense 5 softmax\n",
        // zero padding as a layer: before a conv, after one, and uneven
        "input 5x5x2\npad 2\nconv 3 3x3 relu\npad 1x2\npool max global\ndense 3 softmax\n",
        "input 6x4x1\nconv 2 3x3 tanh\npad 2x1\nflatten\ndense 2 sigmoid\n",
        // layers without a bias, on every code shape of conv and on dense
        "input 8x8x2\nconv 3 3x3 relu nobias\npool 2x2\nconv 2 2x2 stride 2 nobias\nflatten\ndense 4 relu nobias\ndense 2 softmax\n",
        // leaky ReLU and ELU, as layer options and as layers of their own
        "input 6x6x2\nconv 3 3x3 leakyrelu\nconv 2 2x2 elu\nflatten\ndense 4 elu\nleakyrelu\ndense 2 softmax\n",
        // and with a slope or alpha of their own, including a slope above 1 and an alpha of 0
        "input 6x6x2\nconv 3 3x3 leakyrelu 0.3\nconv 2 2x2 elu 0.4\nflatten\ndense 4 elu 2.5\nleakyrelu 1.5\ndense 3 elu 0\n"
                + "dense 2 softmax\n",
        // batchnorm per channel and per unit, on batch statistics; after pooling and an activation; frozen (running
        // averages); conv and dense without a bias before one, as usual
        "input 6x6x2\nconv 3 3x3 nobias\nbatchnorm\nleakyrelu 0.2\nflatten\ndense 4 nobias\nbatchnorm momentum 0.9 epsilon 1e-5\n"
                + "relu\ndense 3 softmax\n",
        "input 7x7x1\nconv 4 2x2 relu\npool 2x2\nbatchnorm\nconv 2 2x2 elu\nbatchnorm freeze\npool avg global\nbatchnorm\n"
                + "dense 2 sigmoid\n",
        "input 5\ndense 4 tanh\nbatchnorm\nbatchnorm\ndropout 0.25\ndense 3\nbatchnorm\n"};

    @Example
    void newerLayerKinds() {
        checkOnEveryBackend(NEWER_KINDS, 9);
    }

    /**
     * Kernels of 10 to 64 taps, whose plain-Java sums take several loops through a row of partial
     * sums: 10, 25, 18, 28 and 64 taps, each second layer also through the input gradient.
     */
    static final String[] SPLIT_TAP_SUMS = {
        "input 9x10x2\nconv 3 2x5 relu\nconv 2 5x5 pad same tanh\nflatten\ndense 3 softmax\n",
        "input 12x12x1\nconv 2 3x6 relu\nconv 2 4x7 pad 1 sigmoid\nflatten\ndense 2 softmax\n",
        "input 11x11x2\nconv 2 3x3 relu\nconv 2 8x8 pad 2 linear\nflatten\ndense 3 softmax\n"};

    @Example
    void tapSumsInSeveralLoops() {
        checkOnEveryBackend(SPLIT_TAP_SUMS, 11);
    }

    private static void checkOnEveryBackend(String[] sources, long seed) {
        for (String source : sources) {
            for (Backend backend : Backend.values()) {
                checkGradients(RandomNetworks.parse(source), new Random(seed), seed, backend);
            }
        }
    }

    /** Kernels over 64 taps take the row-by-row path; with stride 1 also the wide-row one. */
    @Example
    void largeKernelsPassToo() {
        for (String source : new String[] {
            "input 10x11x2\nconv 2 9x8 pad 1 tanh\nflatten\ndense 3 softmax\n",
            "input 13x13x1\nconv 2 9x9 stride 2 relu\nflatten\ndense 2 sigmoid\n"}) {
            checkGradients(RandomNetworks.parse(source), new Random(3), 3);
        }
    }

    private static void checkGradients(Network network, Random random, long seed) {
        checkGradients(network, random, seed, Backend.SCALAR);
    }

    private static void checkGradients(Network network, Random random, long seed, Backend backend) {
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.DOUBLE, backend);
        var params = (double[][]) compiled.newParameters();
        for (int t = 0; t < params.length; t++) {
            double[] tensor = params[t];
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = RandomNetworks.value(compiled.parameters().get(t), random);
            }
        }
        NetworkInstance net = compiled.instantiate(BATCH, params);
        int inputs = network.input().size();
        int outputs = network.output().size();
        double[] x = new double[BATCH * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble() * 2 - 1;
        }
        double[] targets = targets(network, random, outputs);

        net.setInputGradientEnabled(true);
        net.setRandomState(seed, 0);
        net.forward(x, 0, BATCH, true);
        net.zeroGradients();
        double loss = net.backward(targets, 0, BATCH);
        net.forward(x, 0, BATCH, true);
        assertEquals(loss, net.loss(targets, 0, BATCH), 1e-12, "backward and loss report the same loss");

        var failures = new ArrayList<String>();
        var grads = (Object[]) net.gradients();
        List<Parameter> names = compiled.parameters();
        for (int t = 0; t < params.length; t++) {
            if (!isDifferentiated(names.get(t))) {
                continue;
            }
            double[] analytic = ((double[]) grads[t]).clone();
            for (int i : sample(random, params[t].length)) {
                double numeric = numeric(net, params[t], i, x, targets);
                check(failures, names.get(t).tensorName() + "[" + i + "]", analytic[i], numeric);
            }
        }
        double[] inputGrad = ((double[]) net.inputGradient()).clone();
        for (int i : sample(random, x.length)) {
            double numeric = numeric(net, x, i, x, targets);
            check(failures, "input[" + i + "]", inputGrad[i], numeric);
        }
        if (!failures.isEmpty()) {
            fail("gradient mismatches in\n" + network.source().text() + "\n" + String.join("\n", failures));
        }
    }

    /** A batchnorm's running averages are state the forward pass updates, not parameters of the loss. */
    private static boolean isDifferentiated(Parameter parameter) {
        return parameter.role() != Parameter.Role.RUNNING_MEAN && parameter.role() != Parameter.Role.RUNNING_VARIANCE;
    }

    static Network draw(Random random) {
        while (true) {
            var n = RandomNetworks.draw(random);
            if (n.isPresent()) {
                return n.get();
            }
        }
    }

    private static double[] targets(Network network, Random random, int outputs) {
        double[] t = new double[BATCH * outputs];
        for (int n = 0; n < BATCH; n++) {
            if (network.loss() == Loss.CATEGORICAL_CROSSENTROPY) {
                t[n * outputs + random.nextInt(outputs)] = 1;
            } else {
                for (int j = 0; j < outputs; j++) {
                    t[n * outputs + j] = network.loss() == Loss.BINARY_CROSSENTROPY ? random.nextInt(2) : random.nextGaussian();
                }
            }
        }
        return t;
    }

    private static double numeric(NetworkInstance net, double[] array, int i, double[] x, double[] targets) {
        double saved = array[i];
        array[i] = saved + STEP;
        net.forward(x, 0, BATCH, true);
        double plus = net.loss(targets, 0, BATCH);
        array[i] = saved - STEP;
        net.forward(x, 0, BATCH, true);
        double minus = net.loss(targets, 0, BATCH);
        array[i] = saved;
        return (plus - minus) / (2 * STEP);
    }

    private static void check(List<String> failures, String what, double analytic, double numeric) {
        double tolerance = 1e-8 + 1e-5 * Math.max(Math.abs(analytic), Math.abs(numeric));
        if (!(Math.abs(analytic - numeric) <= tolerance)) {
            failures.add(String.format("  %s: analytic %.10g, numeric %.10g", what, analytic, numeric));
        }
    }

    private static int[] sample(Random random, int length) {
        if (length <= SAMPLES_PER_TENSOR) {
            int[] all = new int[length];
            for (int i = 0; i < length; i++) {
                all[i] = i;
            }
            return all;
        }
        return random.ints(SAMPLES_PER_TENSOR, 0, length).toArray();
    }
}
