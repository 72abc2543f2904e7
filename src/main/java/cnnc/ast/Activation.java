package cnnc.ast;

/** The activation functions of the language, by their keyword. */
public enum Activation {
    RELU, SIGMOID, TANH, SOFTMAX, LINEAR;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
