package cnnc.train;

/**
 * Adam (Kingma and Ba, 2015, algorithm 1 with the efficient bias correction of section 2) as
 * Keras implements it: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * w = w - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon). Keras' defaults: lr 0.001,
 * beta1 0.9, beta2 0.999, epsilon 1e-7.
 */
public final class Adam implements Optimizer {
    private double lr;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private float[][] m;
    private float[][] v;
    private long t;
    /** This step's rate, bias corrections included. */
    private float rate;

    public Adam(double lr, double beta1, double beta2, double epsilon) {
        this.lr = lr;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
    }

    @Override
    public void beginStep(float[][] params) {
        if (m == null) {
            m = Slots.like(params);
            v = Slots.like(params);
        }
        t++;
        rate = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
    }

    @Override
    public void update(float[][] params, float[][] grads, int k, int from, int to) {
        float[] w = params[k];
        float[] g = grads[k];
        float[] mk = m[k];
        float[] vk = v[k];
        for (int i = from; i < to; i++) {
            mk[i] = beta1 * mk[i] + (1 - beta1) * g[i];
            vk[i] = beta2 * vk[i] + (1 - beta2) * g[i] * g[i];
            w[i] -= rate * mk[i] / ((float) Math.sqrt(vk[i]) + epsilon);
        }
    }

    @Override
    public OptimizerState state() {
        return new OptimizerState(m == null ? java.util.Map.of() : java.util.Map.of("m", m, "v", v), t);
    }

    @Override
    public void restore(OptimizerState state) {
        m = OptimizerState.slot(state, "m");
        v = OptimizerState.slot(state, "v");
        t = state.steps();
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        this.lr = lr;
    }

    @Override
    public String describe() {
        return "adam(lr=" + (float) lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ")";
    }
}
