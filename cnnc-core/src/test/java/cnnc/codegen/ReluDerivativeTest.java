package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.Frontend;
import cnnc.compile.NetworkCompiler;
import cnnc.diag.SourceFile;
import org.junit.jupiter.api.Test;

/** The branch-free relu derivative is exactly 0 or 1, subnormal outputs included. */
class ReluDerivativeTest {

    @Test
    void passesTheGradientOfEveryPositiveOutputAndNoneOfZero() {
        var network = Frontend.compile(new SourceFile("relu.cnn", "input 6\nrelu\n")).network().orElseThrow();
        for (Precision precision : Precision.values()) {
            var compiled = NetworkCompiler.compile(network, precision);
            var net = compiled.instantiate(1, compiled.newParameters());
            net.setInputGradientEnabled(true);
            double tiny = precision == Precision.FLOAT ? Float.MIN_VALUE : Double.MIN_VALUE;
            double[] x = {tiny, 0, -3, 1e-39, 5, -tiny};
            double[] target = {1, 1, 1, 1, 1, 1};
            Object input = precision == Precision.FLOAT ? toFloat(x) : x;
            Object targets = precision == Precision.FLOAT ? toFloat(target) : target;
            net.forward(input, 0, 1, true);
            net.backward(targets, 0, 1);
            Object grad = net.inputGradient();
            for (int i = 0; i < x.length; i++) {
                double xi = precision == Precision.FLOAT ? (float) x[i] : x[i];
                double out = Math.max(xi, 0);
                double expected = xi > 0 ? 2 * (out - 1) / 6 : 0;
                double got = precision == Precision.FLOAT ? ((float[]) grad)[i] : ((double[]) grad)[i];
                assertEquals(expected, got, Math.abs(expected) * 1e-6, precision + " x=" + x[i]);
            }
        }
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
