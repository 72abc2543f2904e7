package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.model.Parameter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RegularizationTest {

    @Test
    void penaltyGradientMatchesFiniteDifferences() {
        var network = TrainingFixtures.network("input 6x6x1\nconv 2 3x3 l1 0.01 l2 0.02\nflatten\ndense 3 l2 0.5\ndense 2 l1 0.3 softmax\n");
        List<Parameter> parameters = Parameter.of(network);
        var reg = new Regularization(parameters);
        var random = new Random(5);
        float[][] w = new float[parameters.size()][];
        for (int t = 0; t < w.length; t++) {
            w[t] = new float[parameters.get(t).size()];
            for (int i = 0; i < w[t].length; i++) {
                w[t][i] = (float) random.nextGaussian();
            }
        }
        float[][] g = new float[w.length][];
        for (int t = 0; t < w.length; t++) {
            g[t] = new float[w[t].length];
        }
        reg.addGradient(w, g);
        for (int t = 0; t < w.length; t++) {
            for (int i = 0; i < w[t].length; i++) {
                float saved = w[t][i];
                float h = 1e-2f;
                w[t][i] = saved + h;
                double plus = reg.penalty(w);
                w[t][i] = saved - h;
                double minus = reg.penalty(w);
                w[t][i] = saved;
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, g[t][i], 1e-3, parameters.get(t).tensorName() + "[" + i + "]");
            }
        }
        // biases carry no penalty; the middle dense has l2 only
        double expected = 0;
        for (int t = 0; t < w.length; t++) {
            double l1 = t == 0 ? 0.01 : t == 4 ? 0.3 : 0;
            double l2 = t == 0 ? 0.02 : t == 2 ? 0.5 : 0;
            for (float v : w[t]) {
                expected += l1 * Math.abs(v) + l2 * v * v;
            }
        }
        assertEquals(expected, reg.penalty(w), 1e-4);
    }
}
