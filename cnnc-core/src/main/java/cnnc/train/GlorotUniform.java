package cnnc.train;

import cnnc.model.Parameter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Keras' default initialisation: kernels uniform in +-sqrt(6 / (fan_in + fan_out)) (Glorot and
 * Bengio, 2010), biases zero; a batchnorm's scale and running variance one, its shift and running
 * mean zero. Seeded, so the same seed gives the same network; only kernels draw from the generator.
 */
public final class GlorotUniform {
    private GlorotUniform() {}

    public static void initialize(List<Parameter> parameters, float[][] values, long seed) {
        var random = new SplittableRandom(seed);
        for (int t = 0; t < parameters.size(); t++) {
            Parameter p = parameters.get(t);
            float[] w = values[t];
            if (p.role() != Parameter.Role.WEIGHT) {
                boolean ones = p.role() == Parameter.Role.SCALE || p.role() == Parameter.Role.RUNNING_VARIANCE;
                java.util.Arrays.fill(w, ones ? 1f : 0f);
                continue;
            }
            double limit = Math.sqrt(6.0 / (p.fanIn() + p.fanOut()));
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
            }
        }
    }
}
