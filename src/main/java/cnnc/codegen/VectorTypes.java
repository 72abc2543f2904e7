package cnnc.codegen;

/** Names of the Vector API's types in generated code. */
public final class VectorTypes {
    private VectorTypes() {}

    /** {@code FloatVector} or {@code DoubleVector}. */
    public static String vectorClass(Precision p) {
        return p == Precision.FLOAT ? "FloatVector" : "DoubleVector";
    }
}
