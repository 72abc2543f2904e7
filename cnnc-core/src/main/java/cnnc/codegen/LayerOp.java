package cnnc.codegen;

import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * The code of one step of the plan, in the class its {@link OpContext} names: the methods
 * {@code NAMEForward(int batch)} and, when training, {@code NAMEBackward(int batch)} with their
 * helpers, plus the private working fields they use. One implementation per layer kind and
 * backend, in a package per kind; {@link LayerOps} picks which.
 */
public interface LayerOp {

    /** The layer's private working fields, allocated in the constructor for {@code maxBatch} examples. */
    default List<Scratch> scratch() {
        return List.of();
    }

    /** Every method of the op for its class, in order: forward first, then (training) backward and helpers. */
    List<MethodSpec> methods();

    /** Weights laid out anew that inference derives once and its threads share (none when training). */
    default List<SharedLayout> sharedLayouts() {
        return List.of();
    }

    /**
     * Whether the op's forward pass lays its weights out anew (a transposed copy, panels) in a
     * training class, and skips that while the caller holds the weights ({@code holdWeights}) and
     * the layout of the pass before is still theirs: its code then reads {@code layoutsCurrent}.
     */
    default boolean reusesLayouts() {
        return false;
    }

    /** Whether forward takes the {@code training} flag (dropout does). */
    default boolean forwardTakesTraining() {
        return false;
    }

    /**
     * Batch buffers the op's vectors read or write up to two vectors past the last example: they
     * get that much slack at their end.
     */
    default List<String> buffersReadPastEnd() {
        return List.of();
    }

    /** Whether the op uses the lane shuffles and masks of 2x2 pooling on the Vector API. */
    default boolean usesLaneShuffles() {
        return false;
    }

    /** The {@link SharedMethods} the op's code calls. */
    default List<String> sharedMethods() {
        return List.of();
    }

    /** Constants the op's code uses for derived sizes, each documented with its formula. */
    default List<FieldSpec> namedSizes() {
        return List.of();
    }
}
