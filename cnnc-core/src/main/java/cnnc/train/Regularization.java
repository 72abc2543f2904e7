package cnnc.train;

import cnnc.model.Parameter;
import java.util.List;

/**
 * The L1, L2 and elastic-net penalties written on conv and dense layers, applied to their
 * weights (Keras' kernel_regularizer): penalty l1 * sum|w| + l2 * sum w^2, added to the loss;
 * gradient l1 * sign(w) + 2 * l2 * w, added to the averaged gradient.
 */
final class Regularization {
    private final float[] l1;
    private final float[] l2;
    private final boolean any;

    Regularization(List<Parameter> parameters) {
        l1 = new float[parameters.size()];
        l2 = new float[parameters.size()];
        boolean found = false;
        for (int t = 0; t < parameters.size(); t++) {
            Parameter p = parameters.get(t);
            if (p.role() != Parameter.Role.WEIGHT) {
                continue;
            }
            l1[t] = (float) p.layer().l1();
            l2[t] = (float) p.layer().l2();
            found |= l1[t] != 0 || l2[t] != 0;
        }
        any = found;
    }

    /** The penalty at the current weights. */
    double penalty(float[][] params) {
        if (!any) {
            return 0;
        }
        double total = 0;
        for (int t = 0; t < params.length; t++) {
            if (l1[t] == 0 && l2[t] == 0) {
                continue;
            }
            double abs = 0;
            double squares = 0;
            for (float w : params[t]) {
                abs += Math.abs(w);
                squares += (double) w * w;
            }
            total += l1[t] * abs + l2[t] * squares;
        }
        return total;
    }

    /** Adds the penalty's gradient to {@code grads}. */
    void addGradient(float[][] params, float[][] grads) {
        for (int t = 0; t < params.length; t++) {
            addGradient(params, grads, t, 0, params[t].length);
        }
    }

    /** Adds the penalty's gradient to values {@code from..to-1} of tensor {@code t}. */
    void addGradient(float[][] params, float[][] grads, int t, int from, int to) {
        float a = l1[t];
        float b = 2 * l2[t];
        if (a == 0 && b == 0) {
            return;
        }
        float[] w = params[t];
        float[] g = grads[t];
        for (int i = from; i < to; i++) {
            g[i] += a * Math.signum(w[i]) + b * w[i];
        }
    }
}
