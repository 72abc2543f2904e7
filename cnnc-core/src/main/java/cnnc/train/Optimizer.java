package cnnc.train;

/**
 * Updates parameters from their gradients, keeping whatever state the method needs (one slot
 * array per parameter tensor, created on first use). Gradients arrive already averaged over the
 * batch and with regularization added.
 */
public interface Optimizer {
    /** Updates {@code params[i]} in place from {@code grads[i]}, for the tensors {@code trainable} marks. */
    void step(float[][] params, float[][] grads, boolean[] trainable);

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
