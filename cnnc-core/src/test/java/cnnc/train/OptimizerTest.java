package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each optimizer against its update rule written out by hand in double, over a few steps. */
class OptimizerTest {
    private static final double[] G = {0.5, -0.25, 0.125};
    private static final double[] G2 = {-0.3, 0.2, 0.01};

    @Test
    void rmspropFollowsKeras() {
        float[][] w = {{1f, -2f, 0.5f}};
        var opt = new RmsProp(0.01, 0.9, 0, 1e-7);
        step(opt, w, G);
        step(opt, w, G2);
        for (int i = 0; i < 3; i++) {
            double x = new double[] {1, -2, 0.5}[i];
            double a = 0.1 * G[i] * G[i];
            x -= 0.01 * G[i] / Math.sqrt(a + 1e-7);
            a = 0.9 * a + 0.1 * G2[i] * G2[i];
            x -= 0.01 * G2[i] / Math.sqrt(a + 1e-7);
            assertEquals(x, w[0][i], 1e-6);
        }
    }

    @Test
    void adamFollowsKingmaAndBa() {
        float[][] w = {{1f, -2f, 0.5f}};
        var opt = new Adam(0.01, 0.9, 0.999, 1e-7);
        step(opt, w, G);
        step(opt, w, G2);
        for (int i = 0; i < 3; i++) {
            double x = new double[] {1, -2, 0.5}[i];
            double m = 0.1 * G[i];
            double v = 0.001 * G[i] * G[i];
            x -= 0.01 * Math.sqrt(1 - 0.999) / (1 - 0.9) * m / (Math.sqrt(v) + 1e-7);
            m = 0.9 * m + 0.1 * G2[i];
            v = 0.999 * v + 0.001 * G2[i] * G2[i];
            x -= 0.01 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9) * m / (Math.sqrt(v) + 1e-7);
            assertEquals(x, w[0][i], 1e-6);
        }
    }

    @Test
    void sgdWithMomentum() {
        float[][] w = {{1f, -2f, 0.5f}};
        var opt = new Sgd(0.1, 0.9);
        step(opt, w, G);
        step(opt, w, G2);
        for (int i = 0; i < 3; i++) {
            double v = -0.1 * G[i];
            double x = new double[] {1, -2, 0.5}[i] + v;
            v = 0.9 * v - 0.1 * G2[i];
            x += v;
            assertEquals(x, w[0][i], 1e-6);
        }
    }

    @Test
    void frozenTensorsAreLeftAlone() {
        float[][] w = {{1f}, {2f}};
        new Adam(0.1, 0.9, 0.999, 1e-7).step(w, new float[][] {{1f}, {1f}}, new boolean[] {false, true});
        assertEquals(1f, w[0][0]);
        assertEquals(2f - 0.1f, w[1][0], 1e-5);
    }

    private static void step(Optimizer opt, float[][] w, double[] g) {
        float[] grad = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            grad[i] = (float) g[i];
        }
        opt.step(w, new float[][] {grad}, new boolean[] {true});
    }
}
