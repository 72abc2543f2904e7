package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java convolution adds, for each output value, its bias and then each input plane's
 * tap products summed in tap order, left to right, in float: the order of one loop over every
 * tap, which splitting a large kernel's taps over several loops must keep bit for bit.
 */
class ConvSumOrderTest {
    private static final int BATCH = 3;

    @Test
    void kernelsOfManyTapsSumInTapOrder() {
        for (String source : new String[] {
            "input 9x10x2\nconv 3 2x5\nflatten\n", // 10 taps: two loops
            "input 8x9x2\nconv 2 3x6\nflatten\n", // 18: two full loops
            "input 9x9x3\nconv 2 5x5\nflatten\n", // 25: three
            "input 10x11x1\nconv 2 4x7\nflatten\n", // 28: three and one tap
            "input 10x10x2\nconv 2 8x8\nflatten\n", // 64: the most a column convolution takes
            "input 7x7x2\nconv 2 3x3\nflatten\n", // 9: one loop
            "input 7x8x1\nconv 3 3x3\nflatten\n"}) { // one input plane: the loop starts from the bias
            assertSumsInTapOrder(RandomNetworks.parse(source), new Random(source.hashCode()));
        }
    }

    private static void assertSumsInTapOrder(Network network, Random random) {
        var conv = (Layer.Conv) network.layers().get(0);
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, Backend.SCALAR);
        float[][] params = (float[][]) compiled.newParameters();
        for (float[] tensor : params) {
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) (random.nextGaussian() * 0.5);
            }
        }
        int h = conv.in().height(), w = conv.in().width(), c = conv.in().channels();
        int oh = conv.out().height(), ow = conv.out().width(), kh = conv.kernelHeight(), kw = conv.kernelWidth();
        float[] x = new float[BATCH * h * w * c];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 1);
        }
        NetworkInstance net = compiled.instantiate(BATCH, params);
        net.forward(x, 0, BATCH, false);
        float[] out = (float[]) net.output();
        float[] weight = params[0], bias = params[1];
        for (int n = 0; n < BATCH; n++) {
            for (int k = 0; k < conv.filters(); k++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float sum = bias[k];
                        for (int ic = 0; ic < c; ic++) {
                            float taps = 0;
                            for (int t = 0; t < kh * kw; t++) {
                                int ky = t / kw, kx = t % kw;
                                float product = weight[((k * c + ic) * kh + ky) * kw + kx]
                                        * x[((n * h + oy + ky) * w + ox + kx) * c + ic];
                                taps = t == 0 ? product : taps + product;
                            }
                            sum += taps;
                        }
                        float got = out[((n * conv.filters() + k) * oh + oy) * ow + ox];
                        String where = conv.source() + ": example " + n + ", output " + k + "," + oy + "," + ox;
                        assertEquals(Float.floatToIntBits(sum), Float.floatToIntBits(got), where + " is " + got + ", not " + sum);
                    }
                }
            }
        }
    }
}
