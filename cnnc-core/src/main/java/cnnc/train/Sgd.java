package cnnc.train;

/**
 * Stochastic gradient descent with (heavy-ball) momentum, as Keras' SGD:
 * v = momentum * v - lr * g; w = w + v. Defaults lr 0.01, momentum 0.
 */
public final class Sgd implements Optimizer {
    private float lr;
    private final float momentum;
    private float[][] velocity;

    public Sgd(double lr, double momentum) {
        this.lr = (float) lr;
        this.momentum = (float) momentum;
    }

    @Override
    public void beginStep(float[][] params) {
        if (velocity == null) {
            velocity = Slots.like(params);
        }
    }

    @Override
    public void update(float[][] params, float[][] grads, int k, int from, int to) {
        float[] w = params[k];
        float[] g = grads[k];
        float[] v = velocity[k];
        for (int i = from; i < to; i++) {
            v[i] = momentum * v[i] - lr * g[i];
            w[i] += v[i];
        }
    }

    @Override
    public OptimizerState state() {
        return new OptimizerState(velocity == null ? java.util.Map.of() : java.util.Map.of("velocity", velocity), 0);
    }

    @Override
    public void restore(OptimizerState state) {
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
        return "sgd(lr=" + lr + ", momentum=" + momentum + ")";
    }
}
