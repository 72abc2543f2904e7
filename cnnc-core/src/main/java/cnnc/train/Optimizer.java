package cnnc.train;

/**
 * Updates parameters from their gradients, keeping whatever state the method needs (one slot
 * array per parameter tensor, created on first use). Gradients arrive already averaged over the
 * batch and with regularization added.
 */
public interface Optimizer {
    /** Updates {@code params[i]} in place from {@code grads[i]}, for the tensors {@code trainable} marks. */
    default void step(float[][] params, float[][] grads, boolean[] trainable) {
        beginStep(params);
        for (int k = 0; k < params.length; k++) {
            if (trainable[k]) {
                update(params, grads, k, 0, params[k].length);
            }
        }
    }

    /** Starts a step: the slots on first use, the step count. Once per step, before its updates. */
    void beginStep(float[][] params);

    /**
     * Updates values {@code from..to-1} of tensor {@code k}. A step's ranges may be updated in
     * any order and at once on several threads: each value's update reads only its own slots.
     */
    void update(float[][] params, float[][] grads, int k, int from, int to);

    /** The learning rate the next step uses. */
    double learningRate();

    /** Sets the learning rate for the steps to come (a schedule's job); the other settings stay. */
    void setLearningRate(double lr);

    /** The slots and step count a checkpoint keeps. */
    OptimizerState state();

    /** Continues from a checkpoint's state: the next step is the one after those it saved. */
    void restore(OptimizerState state);

    /** e.g. {@code rmsprop(lr=0.001, rho=0.9, momentum=0.0, epsilon=1e-07)}. */
    String describe();
}
