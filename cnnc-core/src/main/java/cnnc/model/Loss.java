package cnnc.model;

/** The training loss, decided by the last layer (DESIGN 1.1). */
public enum Loss {
    /** After softmax; fused with it so the gradient is simply p - y. */
    CATEGORICAL_CROSSENTROPY("categorical cross-entropy"),
    /** After sigmoid; fused with it so the gradient is simply p - y. */
    BINARY_CROSSENTROPY("binary cross-entropy"),
    /** For any other last layer: half the squared error, summed over outputs. */
    MEAN_SQUARED_ERROR("mean squared error");

    private final String description;

    Loss(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
