package cnnc.ast;

/**
 * The activation functions of the language, by their keyword. {@code leakyrelu} has PyTorch's
 * default slope of 0.01 below zero, {@code elu} the usual alpha of 1.
 */
public enum Activation {
    RELU, SIGMOID, TANH, SOFTMAX, LINEAR, LEAKYRELU, ELU;

    /** leakyrelu's slope below zero (PyTorch's LeakyReLU default, negative_slope=0.01). */
    public static final double LEAKY_SLOPE = 0.01;
    /** elu's alpha (PyTorch's and Keras' default). */
    public static final double ELU_ALPHA = 1.0;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
