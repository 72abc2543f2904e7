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
            newWithParameters = lookup.findConstructor(type, MethodType.methodType(void.class, int.class, arrays));
            newParameters = lookup.findStatic(type, "newParameters", MethodType.methodType(arrays));
            handles = new Handles(
                    lookup.findVirtual(type, "forward", MethodType.methodType(void.class, array, int.class, int.class, boolean.class)),
                    lookup.findVirtual(type, "backward", MethodType.methodType(double.class, array, int.class, int.class)),
                    lookup.findVirtual(type, "loss", MethodType.methodType(double.class, array, int.class, int.class)),
                    lookup.findVirtual(type, "output", MethodType.methodType(array)),
                    lookup.findVirtual(type, "parameters", MethodType.methodType(arrays)),
                    lookup.findVirtual(type, "gradients", MethodType.methodType(arrays)),
                    lookup.findVirtual(type, "zeroGradients", MethodType.methodType(void.class)),
                    lookup.findVirtual(type, "setRandomState", MethodType.methodType(void.class, long.class, long.class)),
                    lookup.findVirtual(type, "setInputGradientEnabled", MethodType.methodType(void.class, boolean.class)),
                    lookup.findVirtual(type, "inputGradient", MethodType.methodType(array)));
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
        return new StageHandles(stages,
                lookup.findStatic(type, "newBatchSums", MethodType.methodType(double[][].class, int.class)),
                lookup.findVirtual(type, "shareBatch", MethodType.methodType(void.class, double[][].class, int.class, int.class)),
                lookup.findVirtual(type, "forwardStage", MethodType.methodType(void.class, int.class, array, int.class, int.class)),
                lookup.findVirtual(type, "backwardStage",
                        MethodType.methodType(double.class, int.class, array, int.class, int.class)));
    }

    record StageHandles(int stages, MethodHandle newBatchSums, MethodHandle shareBatch, MethodHandle forwardStage,
            MethodHandle backwardStage) {}

    record Handles(MethodHandle forward, MethodHandle backward, MethodHandle loss, MethodHandle output,
            MethodHandle parameters, MethodHandle gradients, MethodHandle zeroGradients, MethodHandle setRandomState,
            MethodHandle setInputGradientEnabled, MethodHandle inputGradient) {}

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
        return (double[][]) invoke(staged().newBatchSums(), examples);
    }

    StageHandles staged() {
        if (stageHandles == null) {
            throw new IllegalStateException(network.source().name() + " has no batch statistics to share");
        }
        return stageHandles;
    }

    /** Zeroed parameter arrays (float[][] or double[][]). */
    public Object newParameters() {
        return invoke(newParameters);
    }

    /** An instance for batches of up to {@code maxBatch}, sharing the given parameter arrays. */
    public NetworkInstance instantiate(int maxBatch, Object parameters) {
        try {
            return new NetworkInstance(this, newWithParameters.invoke(maxBatch, parameters));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
