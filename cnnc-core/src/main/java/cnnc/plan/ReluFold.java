package cnnc.plan;

/**
 * How a step takes part in {@link FoldReluIntoMaxPool}: a max pool right after a ReLU
 * convolution applies that ReLU's derivative in its own backward pass.
 */
public enum ReluFold {
    /** Not folded. */
    NONE,
    /** A ReLU convolution whose output gradient arrives with the derivative already applied. */
    DERIVATIVE_IN_NEXT_POOL,
    /** A max pool whose input is a ReLU convolution's output: never negative, and it applies that ReLU's derivative. */
    INPUT_FROM_RELU_CONV
}
