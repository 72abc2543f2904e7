package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.model.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector backend's dense layers in inference: the weights copied into panels of units, sums
 * over the inputs that are nonzero in any example of a block of four. Each output must be exactly
 * the chain of multiply-adds over its example's inputs in order, plus the bias: the same bits
 * whatever the vector length (the build reruns this with narrower vectors), the panel a unit falls
 * in, and the examples that share its block.
 */
class DensePanelsTest {
    /** Unit counts that fill whole panels, leave a last panel of one vector or of four part full, or fit one vector. */
    private static final int[] UNITS = {7, 16, 40, 64, 83, 150};
    private static final int INPUTS = 150;
    private static final int BATCH = 11;

    @Test
    void eachOutputIsTheChainOfMultiplyAddsOverItsNonzeroInputs() {
        Random random = new Random(12);
        for (int units : UNITS) {
            for (Backend backend : Backend.values()) {
                Network network = RandomNetworks.parse("input " + INPUTS + "\ndense " + units + "\n");
                CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
                float[][] params = gaussianParameters(compiled, random);
                float[] x = sparseInputs(random, BATCH * INPUTS);
                NetworkInstance net = compiled.instantiate(BATCH, params);
                net.forward(x, 0, BATCH, false);
                float[] out = ((float[]) net.output()).clone();
                var failures = new ArrayList<String>();
                for (int n = 0; n < BATCH; n++) {
                    for (int j = 0; j < units; j++) {
                        float expected = chain(x, n * INPUTS, params[0], j * INPUTS) + params[1][j];
                        if (backend == Backend.VECTOR ? Float.compare(out[n * units + j], expected) != 0
                                : !(Math.abs(out[n * units + j] - expected) <= 1e-5f * Math.max(1, Math.abs(expected)))) {
                            failures.add("example " + n + " unit " + j + ": " + out[n * units + j] + ", expected " + expected);
                        }
                    }
                }
                if (!failures.isEmpty()) {
                    fail(backend + ", " + units + " units:\n" + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
                }
            }
        }
    }

    /** The same in double precision, whose vectors hold half as many values. */
    @Test
    void doublePrecisionToo() {
        Random random = new Random(15);
        for (int units : new int[] {5, 83}) {
            Network network = RandomNetworks.parse("input " + INPUTS + "\ndense " + units + "\n");
            CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.DOUBLE, Backend.VECTOR);
            double[][] params = (double[][]) compiled.newParameters();
            for (double[] tensor : params) {
                for (int i = 0; i < tensor.length; i++) {
                    tensor[i] = random.nextGaussian() * 0.3;
                }
            }
            float[] sparse = sparseInputs(random, BATCH * INPUTS);
            double[] x = new double[sparse.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = sparse[i];
            }
            NetworkInstance net = compiled.instantiate(BATCH, params);
            net.forward(x, 0, BATCH, false);
            double[] out = (double[]) net.output();
            for (int n = 0; n < BATCH; n++) {
                for (int j = 0; j < units; j++) {
                    double s = 0;
                    for (int i = 0; i < INPUTS; i++) {
                        if (x[n * INPUTS + i] != 0) {
                            s = Math.fma(x[n * INPUTS + i], params[0][j * INPUTS + i], s);
                        }
                    }
                    assertEquals(s + params[1][j], out[n * units + j], 0.0, units + " units, example " + n + " unit " + j);
                }
            }
        }
    }

    /** An example gives the same bits alone as among others, in every position of a block. */
    @Test
    void anExampleGivesTheSameBitsWhateverItsBlock() {
        Random random = new Random(13);
        Network network = RandomNetworks.parse("input 6x6x2\nconv 3 3x3 relu\nflatten\ndense 83 relu\ndense 40 relu\ndense 7 softmax\n");
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, Backend.VECTOR);
        float[][] params = (float[][]) compiled.newParameters();
        for (int t = 0; t < params.length; t++) {
            for (int i = 0; i < params[t].length; i++) {
                params[t][i] = (float) RandomNetworks.value(compiled.parameters().get(t), random);
            }
        }
        int inputs = network.input().size();
        int outputs = network.output().size();
        float[] x = sparseInputs(random, BATCH * inputs);
        NetworkInstance batch = compiled.instantiate(BATCH, params);
        batch.forward(x, 0, BATCH, false);
        float[] together = ((float[]) batch.output()).clone();
        NetworkInstance single = compiled.instantiate(1, params);
        for (int n = 0; n < BATCH; n++) {
            single.forward(x, n * inputs, 1, false);
            float[] alone = (float[]) single.output();
            for (int j = 0; j < outputs; j++) {
                assertEquals(Float.floatToRawIntBits(together[n * outputs + j]), Float.floatToRawIntBits(alone[j]),
                        "example " + n + " output " + j);
            }
        }
    }

    /**
     * Held weights: inference passes reuse the layouts the first one derived, and give the bits of
     * passes that derive their own. Weights changed after the hold ends, or while not held, are the
     * ones the next pass uses, on both backends.
     */
    @Test
    void heldWeightsReuseTheirLayoutsAndChangedOnesAreSeen() {
        Random random = new Random(14);
        Network network = RandomNetworks.parse("input " + INPUTS + "\ndense 83 relu\ndense 40\n");
        for (Backend backend : Backend.values()) {
            CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
            float[][] params = gaussianParameters(compiled, random);
            float[] x = sparseInputs(random, BATCH * INPUTS);
            int seen = 0; // an input that example 0 does not leave at zero, so its weights count
            while (x[seen] == 0) {
                seen++;
            }
            NetworkInstance fresh = compiled.instantiate(BATCH, params);
            fresh.forward(x, 0, BATCH, false);
            float[] expected = ((float[]) fresh.output()).clone();

            NetworkInstance net = compiled.instantiate(BATCH, params);
            net.holdWeights(true);
            net.forward(x, 0, BATCH, false);
            net.forward(x, 0, BATCH, false);
            assertArrayEquals(expected, (float[]) net.output(), backend + ": a second pass over held weights");
            // what the hold is for: a change made against its promise is not seen until it ends
            params[0][seen] += 1;
            net.forward(x, 0, BATCH, false);
            assertArrayEquals(expected, (float[]) net.output(), backend + ": the layouts of held weights are reused");
            params[0][seen] -= 1;
            net.holdWeights(false);

            params[0][seen] += 1; // a weight of unit 0, after the hold ends
            net.forward(x, 0, BATCH, false);
            float[] changed = ((float[]) net.output()).clone();
            NetworkInstance check = compiled.instantiate(BATCH, params);
            check.forward(x, 0, BATCH, false);
            assertArrayEquals((float[]) check.output(), changed, backend + ": a weight changed after the hold");
            assertNotEquals(Arrays.toString(expected), Arrays.toString(changed), backend + ": the change shows");

            params[0][INPUTS + seen] -= 1; // one of unit 1, while not held, between two passes
            net.forward(x, 0, BATCH, false);
            check = compiled.instantiate(BATCH, params);
            check.forward(x, 0, BATCH, false);
            assertArrayEquals((float[]) check.output(), (float[]) net.output(), backend + ": a weight changed between passes");
            assertNotEquals(Arrays.toString(changed), Arrays.toString((float[]) net.output()), backend + ": the change shows");
        }
    }

    /**
     * A layer keeps all its panels only where they are few: a few units over many inputs would
     * hold a vector's width of padding for every input (64 MB here), so it copies one panel a pass.
     */
    @Test
    void onlySmallLayersKeepTheirPanels() {
        String kept = source("input 784\ndense 500\n");
        assertTrue(kept.contains("dense1Panel = new float[784 * (500 + 3 * SPECIES.length())]"), kept);
        assertTrue(kept.contains("if (!layoutsCurrent)"), "the pack is skipped while the weights are held");
        String single = source("input 1000000\ndense 2\n");
        assertTrue(single.contains("dense1Panel = new float[1000000 * (2 > SPECIES.length() ? 4 : 1) * SPECIES.length()]"),
                "one panel, one vector wide");
        assertFalse(single.contains("layoutsCurrent"), "no layout to hold");
    }

    private static String source(String cnn) {
        return JavaGenerator.generate(RandomNetworks.parse(cnn), JavaGenerator.DEFAULT_PACKAGE, "Net", Precision.FLOAT,
                Backend.VECTOR).code();
    }

    /** Parameters drawn from a normal distribution of standard deviation 0.3. */
    private static float[][] gaussianParameters(CompiledNetwork compiled, Random random) {
        float[][] params = (float[][]) compiled.newParameters();
        for (float[] tensor : params) {
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) (random.nextGaussian() * 0.3);
            }
        }
        return params;
    }

    /** Values in [-1, 1], about two in three of them exactly zero, in runs as an image's background is. */
    private static float[] sparseInputs(Random random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; ) {
            int run = 1 + random.nextInt(12);
            boolean zero = random.nextInt(3) > 0;
            for (int k = 0; k < run && i < length; k++, i++) {
                x[i] = zero ? 0 : (float) (random.nextDouble() * 2 - 1);
            }
        }
        return x;
    }

    /** {@code sum over i of x[i] w[i]}, one rounding per step as a fused multiply-add, zeros skipped. */
    private static float chain(float[] x, int xo, float[] w, int wo) {
        float s = 0;
        for (int i = 0; i < INPUTS; i++) {
            if (x[xo + i] != 0) {
                s = Math.fma(x[xo + i], w[wo + i], s);
            }
        }
        return s;
    }
}
