package cnnc.codegen;

/**
 * How the generated training class computes its layers.
 *
 * <ul>
 *   <li>{@link #SCALAR}, the default: plain Java that C2 vectorizes where it can. Depends on
 *       java.base only.
 *   <li>{@link #VECTOR}: stride-1 convolutions with at most {@value cnnc.plan.Plan#MAX_UNROLLED_TAPS}
 *       taps, 2x2 max pooling with stride 2 and the forward and input-gradient passes of dense
 *       layers use the Vector API (the incubator module {@code jdk.incubator.vector}), with
 *       accumulators held in registers; the JVM must be started with
 *       {@code --add-modules jdk.incubator.vector}. Embedded jars never use it.
 * </ul>
 */
public enum Backend {
    SCALAR,
    VECTOR;

    /** The module the vector backend's generated code needs. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Whether this JVM was started with the Vector API's module. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }
}
