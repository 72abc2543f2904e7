package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.model.Network;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API's 2x2 max pooling against the scalar one, bit for bit: outputs, the
 * convolution's gradients and the input's gradient. The convolution is plain Java on both
 * backends (a stride-2 convolution stays scalar), and the dense layer's forward sums are exact
 * for these values, so the two classes differ in the pooling alone before the dense layer's own
 * gradients, which the backends sum in different orders.
 *
 * <p>The widths give rows of fewer outputs than a vector, exactly a whole number of vectors, and
 * more with a partial vector at the end, on 512-, 256- and 128-bit vectors alike; odd sizes drop
 * an edge. Inputs and weights take few distinct values, so windows often hold equal maxima, and
 * the first of them must get the gradient; the last example's last row runs into the slack.
 */
class VectorPoolTest {

    @ParameterizedTest
    @ValueSource(strings = {"26x26x2", "32x32x1", "40x6x3", "70x38x1", "11x11x2", "41x35x1", "34x4x1"})
    void matchesScalarPoolingOnItsOwnInput(String shape) {
        compare("input " + shape + "\npool 2x2\nflatten\ndense 3 softmax\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"52x52x1", "64x64x2", "80x12x1", "140x76x1", "22x22x1", "82x70x1"})
    void matchesScalarPoolingAfterReluConvolution(String shape) {
        compare("input " + shape + "\nconv 3 2x2 stride 2 relu\npool 2x2\nflatten\ndense 3 softmax\n");
    }

    private static void compare(String source) {
        var network = cnnc.Frontend.compile(new cnnc.diag.SourceFile("pool.cnn", source)).network().orElseThrow();
        for (Precision precision : Precision.values()) {
            Random random = new Random(source.hashCode());
            int batch = 3;
            double[] x = new double[batch * network.input().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextInt(3) * 0.5;
            }
            double[] targets = new double[batch * network.output().size()];
            for (int n = 0; n < batch; n++) {
                targets[n * network.output().size() + random.nextInt(network.output().size())] = 1;
            }
            long seed = random.nextLong();
            Run scalar = run(network, precision, Backend.SCALAR, x, targets, batch, seed);
            Run vector = run(network, precision, Backend.VECTOR, x, targets, batch, seed);
            String what = precision + " " + source.lines().findFirst().orElseThrow();
            assertArrayEquals(scalar.output(), vector.output(), what + ": outputs");
            assertArrayEquals(scalar.inputGradient(), vector.inputGradient(), what + ": input gradient");
            int dense = scalar.gradients().length - 2;
            for (int t = 0; t < dense; t++) {
                assertArrayEquals(scalar.gradients()[t], vector.gradients()[t], what + ": gradient " + t);
            }
            // the dense layer's own gradients are sums over the batch, which its vector tiles add
            // in another order (and with fused multiply-adds): equal to rounding
            for (int t = dense; t < scalar.gradients().length; t++) {
                double[] s = scalar.gradients()[t];
                double[] v = vector.gradients()[t];
                for (int i = 0; i < s.length; i++) {
                    double tolerance = (precision == Precision.FLOAT ? 1e-6 : 1e-14) * Math.max(1, Math.abs(s[i]));
                    assertEquals(s[i], v[i], tolerance, what + ": gradient " + t + " at " + i);
                }
            }
            assertTrue(java.util.Arrays.stream(scalar.inputGradient()).anyMatch(g -> g != 0), what + ": some gradient flows");
        }
    }

    private record Run(double[] output, double[][] gradients, double[] inputGradient) {}

    private static Run run(Network network, Precision precision, Backend backend, double[] x, double[] targets,
            int batch, long seed) {
        CompiledNetwork compiled = NetworkCompiler.compile(network, precision, backend);
        Object params = compiled.newParameters();
        Random random = new Random(seed);
        int count = precision == Precision.FLOAT ? ((float[][]) params).length : ((double[][]) params).length;
        for (int t = 0; t < count; t++) {
            int length = precision == Precision.FLOAT ? ((float[][]) params)[t].length : ((double[][]) params)[t].length;
            for (int i = 0; i < length; i++) {
                // a weight of -1, 0 or 1, a bias of 0.5: many equal outputs, ties and exact zeros
                double value = t % 2 == 0 ? random.nextInt(3) - 1 : 0.5;
                if (precision == Precision.FLOAT) {
                    ((float[][]) params)[t][i] = (float) value;
                } else {
                    ((double[][]) params)[t][i] = value;
                }
            }
        }
        NetworkInstance net = compiled.instantiate(batch, params);
        net.setInputGradientEnabled(true);
        net.zeroGradients();
        net.forward(convert(x, precision), 0, batch, true);
        double[] output = toDoubles(net.output(), batch * network.output().size());
        net.backward(convert(targets, precision), 0, batch);
        Object[] grads = net.gradients();
        double[][] gradients = new double[grads.length][];
        for (int t = 0; t < grads.length; t++) {
            gradients[t] = toDoubles(grads[t], -1);
        }
        return new Run(output, gradients, toDoubles(net.inputGradient(), x.length));
    }

    private static Object convert(double[] v, Precision precision) {
        if (precision == Precision.DOUBLE) {
            return v;
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDoubles(Object array, int length) {
        if (array instanceof double[] d) {
            return java.util.Arrays.copyOf(d, length < 0 ? d.length : length);
        }
        float[] f = (float[]) array;
        double[] d = new double[length < 0 ? f.length : length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
