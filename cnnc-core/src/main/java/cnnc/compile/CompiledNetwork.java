package cnnc.compile;

import cnnc.codegen.GeneratedSource;
import cnnc.model.Parameter;
import cnnc.codegen.Precision;
import cnnc.model.Network;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * A generated network class loaded into this JVM. The class itself knows nothing of cnnc (it
 * depends on java.base only); this binds its public methods once, through method handles, for
 * the trainer and the tests.
 */
public final class CompiledNetwork {
    private final Network network;
    private final Precision precision;
    private final GeneratedSource source;
    private final byte[] classFile;
    private final boolean usesVectorApi;
    private final MethodHandle newWithParameters;
    private final MethodHandle newParameters;
    final Handles handles;
    /** The staged passes of a class that normalizes with batch statistics; null for one without. */
    final StageHandles stageHandles;

    CompiledNetwork(Network network, Precision precision, GeneratedSource source, byte[] classFile, Class<?> type,
            boolean usesVectorApi) {
        this.network = network;
        this.precision = precision;
        this.source = source;
        this.classFile = classFile.clone();
        this.usesVectorApi = usesVectorApi;
        try {
            var lookup = MethodHandles.publicLookup();
            Class<?> array = precision == Precision.FLOAT ? float[].class : double[].class;
            Class<?> arrays = array.arrayType();
            // Each handle is adapted to the erased types NetworkInstance calls it with, so that
            // invokeExact links it directly: invokeWithArguments boxed every argument into an
            // array at each call and had C2 compile the JDK's argument spreaders during the first
            // epoch.
            newWithParameters = lookup.findConstructor(type, MethodType.methodType(void.class, int.class, arrays))
                    .asType(MethodType.methodType(Object.class, int.class, Object.class));
            newParameters = lookup.findStatic(type, "newParameters", MethodType.methodType(arrays))
                    .asType(MethodType.methodType(Object.class));
            Class<?> o = Object.class;
            handles = new Handles(
                    find(lookup, type, "forward", void.class, array, int.class, int.class, boolean.class)
                            .asType(MethodType.methodType(void.class, o, o, int.class, int.class, boolean.class)),
                    find(lookup, type, "backward", double.class, array, int.class, int.class)
                            .asType(MethodType.methodType(double.class, o, o, int.class, int.class)),
                    find(lookup, type, "loss", double.class, array, int.class, int.class)
                            .asType(MethodType.methodType(double.class, o, o, int.class, int.class)),
                    find(lookup, type, "output", array).asType(MethodType.methodType(o, o)),
                    find(lookup, type, "parameters", arrays).asType(MethodType.methodType(Object[].class, o)),
                    find(lookup, type, "gradients", arrays).asType(MethodType.methodType(Object[].class, o)),
                    find(lookup, type, "zeroGradients", void.class).asType(MethodType.methodType(void.class, o)),
                    find(lookup, type, "setRandomState", void.class, long.class, long.class)
                            .asType(MethodType.methodType(void.class, o, long.class, long.class)),
                    find(lookup, type, "setInputGradientEnabled", void.class, boolean.class)
                            .asType(MethodType.methodType(void.class, o, boolean.class)),
                    find(lookup, type, "inputGradient", array).asType(MethodType.methodType(o, o)),
                    find(lookup, type, "holdWeights", void.class, boolean.class)
                            .asType(MethodType.methodType(void.class, o, boolean.class)));
            stageHandles = stageHandles(lookup, type, array);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class lacks its API: " + e.getMessage(), e);
        }
    }

    /** The class's staged passes, if it has them (its STAGES constant says so). */
    private static StageHandles stageHandles(MethodHandles.Lookup lookup, Class<?> type, Class<?> array)
            throws ReflectiveOperationException {
        int stages;
        try {
            stages = type.getField("STAGES").getInt(null);
        } catch (NoSuchFieldException e) {
            return null;
        }
        Class<?> o = Object.class;
        return new StageHandles(stages,
                lookup.findStatic(type, "newBatchSums", MethodType.methodType(double[][].class, int.class)),
                find(lookup, type, "shareBatch", void.class, double[][].class, int.class, int.class)
                        .asType(MethodType.methodType(void.class, o, double[][].class, int.class, int.class)),
                find(lookup, type, "forwardStage", void.class, int.class, array, int.class, int.class)
                        .asType(MethodType.methodType(void.class, o, int.class, o, int.class, int.class)),
                find(lookup, type, "backwardStage", double.class, int.class, array, int.class, int.class)
                        .asType(MethodType.methodType(double.class, o, int.class, o, int.class, int.class)));
    }

    private static MethodHandle find(MethodHandles.Lookup lookup, Class<?> type, String name, Class<?> returns,
            Class<?>... parameters) throws ReflectiveOperationException {
        return lookup.findVirtual(type, name, MethodType.methodType(returns, parameters));
    }

    record StageHandles(int stages, MethodHandle newBatchSums, MethodHandle shareBatch, MethodHandle forwardStage,
            MethodHandle backwardStage) {}

    record Handles(MethodHandle forward, MethodHandle backward, MethodHandle loss, MethodHandle output,
            MethodHandle parameters, MethodHandle gradients, MethodHandle zeroGradients, MethodHandle setRandomState,
            MethodHandle setInputGradientEnabled, MethodHandle inputGradient, MethodHandle holdWeights) {}

    public Network network() {
        return network;
    }

    public Precision precision() {
        return precision;
    }

    public GeneratedSource source() {
        return source;
    }

    /** Whether the class runs on the Vector API, whose calls are very slow until C2 compiles them. */
    public boolean usesVectorApi() {
        return usesVectorApi;
    }

    public byte[] classFile() {
        return classFile.clone();
    }

    public List<Parameter> parameters() {
        return Parameter.of(network);
    }

    /**
     * How many stages a training pass runs in: 1, or one more than the network's batchnorms that normalize
     * with batch statistics, each of which instances sharing a batch must all reach before any goes on
     * ({@link NetworkInstance#shareBatch}).
     */
    public int stages() {
        return stageHandles == null ? 1 : stageHandles.stages();
    }

    /** Room for the batch statistics of a batch of up to {@code examples}, to share between instances. */
    public double[][] newBatchSums(int examples) {
        try {
            return (double[][]) staged().newBatchSums().invokeExact(examples);
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    StageHandles staged() {
        if (stageHandles == null) {
            throw new IllegalStateException(network.source().name() + " has no batch statistics to share");
        }
        return stageHandles;
    }

    /** Zeroed parameter arrays (float[][] or double[][]). */
    public Object newParameters() {
        try {
            return (Object) newParameters.invokeExact();
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** An instance for batches of up to {@code maxBatch}, sharing the given parameter arrays. */
    public NetworkInstance instantiate(int maxBatch, Object parameters) {
        try {
            return new NetworkInstance(this, (Object) newWithParameters.invokeExact(maxBatch, parameters));
        } catch (Throwable e) {
            throw unchecked(e);
        }
    }

    /** A generated method's failure as it was thrown (the generated code declares no checked exception). */
    static RuntimeException unchecked(Throwable e) {
        if (e instanceof Error error) {
            throw error;
        }
        return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
}
