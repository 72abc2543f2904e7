package cnnc.train;

/**
 * RMSprop (Hinton, Coursera lecture 6e, 2012) as Keras implements it (keras/optimizers/rmsprop.py):
 * a = rho * a + (1 - rho) * g^2; w = w - lr * g / sqrt(a + epsilon), plus optional momentum on
 * the step. Keras' defaults: lr 0.001, rho 0.9, momentum 0, epsilon 1e-7.
 */
public final class RmsProp implements Optimizer {
    private float lr;
    private final float rho;
    private final float momentum;
    private final float epsilon;
    private float[][] average;
    private float[][] velocity;

    public RmsProp(double lr, double rho, double momentum, double epsilon) {
        this.lr = (float) lr;
        this.rho = (float) rho;
        this.momentum = (float) momentum;
        this.epsilon = (float) epsilon;
    }

    @Override
    public void beginStep(float[][] params) {
        if (average == null) {
            average = Slots.like(params);
            velocity = Slots.like(params);
        }
    }

    @Override
    public void update(float[][] params, float[][] grads, int k, int from, int to) {
        float[] w = params[k];
        float[] g = grads[k];
        float[] a = average[k];
        float[] v = velocity[k];
        for (int i = from; i < to; i++) {
            a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
            float increment = lr * g[i] / (float) Math.sqrt(a[i] + epsilon);
            if (momentum > 0) {
                v[i] = momentum * v[i] + increment;
                increment = v[i];
            }
            w[i] -= increment;
        }
    }

    @Override
    public OptimizerState state() {
        return new OptimizerState(average == null ? java.util.Map.of()
                : java.util.Map.of("average", average, "velocity", velocity), 0);
    }

    @Override
    public void restore(OptimizerState state) {
        average = OptimizerState.slot(state, "average");
        velocity = OptimizerState.slot(state, "velocity");
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        this.lr = (float) lr;
    }

    @Override
    public String describe() {
        return "rmsprop(lr=" + lr + ", rho=" + rho + ", momentum=" + momentum + ", epsilon=" + epsilon + ")";
    }
}
