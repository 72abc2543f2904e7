package cnnc.plan;

/** Which class a plan is for: the training class, or the inference class that built jars hold. */
public enum Mode {
    /** Forward and backward passes, dropout, the loss and its gradient. */
    TRAINING,
    /** The forward pass only: no gradients, and dropout (the identity at inference) left out. */
    INFERENCE
}
