package cnnc.codegen;

/** Names of the Vector API's types in generated code. */
public final class VectorTypes {
    private VectorTypes() {}

    /** {@code FloatVector} or {@code DoubleVector}, qualified: {@link Code} imports it. */
    public static String vectorClass(Precision p) {
        return Backend.VECTOR_MODULE + "." + (p == Precision.FLOAT ? "FloatVector" : "DoubleVector");
    }
}
