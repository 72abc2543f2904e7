package cnnc.ast;

/**
 * The activation functions of the language, by their keyword. {@code leakyrelu} has PyTorch's
 * default slope of 0.01 below zero and {@code elu} the usual alpha of 1, unless a number after the
 * keyword says otherwise (a layer's {@code activationAlpha}).
 */
public enum Activation {
    RELU, SIGMOID, TANH, SOFTMAX, LINEAR, LEAKYRELU, ELU;

    /** leakyrelu's default slope below zero (PyTorch's LeakyReLU default, negative_slope=0.01). */
    public static final double LEAKY_SLOPE = 0.01;
    /** elu's default alpha (PyTorch's and Keras' default). */
    public static final double ELU_ALPHA = 1.0;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
