package cnnc.ast;

public enum OptimizerKind {
    SGD, RMSPROP, ADAM;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
