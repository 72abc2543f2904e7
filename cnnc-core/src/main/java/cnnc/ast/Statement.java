package cnnc.ast;

import cnnc.diag.Span;
import java.util.Map;
import java.util.Optional;

/**
 * One statement of a .cnn file, as written. Values are not yet judged: a conv may have zero
 * filters or a kernel larger than its input; that is the checker's business.
 */
public sealed interface Statement {
    /** The whole statement, from its keyword to its last option. */
    Span span();

    /** {@code input HxWxC}, or {@code input N} for a vector. */
    record Input(Span span, int height, int width, int channels, boolean isVector, Span sizeSpan)
            implements Statement {}

    record Conv(Span span, IntArg filters, Extent kernel, Optional<IntArg> stride, Optional<Padding> padding,
            Optional<Activation> activation, Optional<RealArg> l1, Optional<RealArg> l2, boolean frozen, boolean bias,
            Optional<RealArg> activationAlpha) implements Statement {}

    record Pool(Span span, PoolKind kind, Extent window, Optional<IntArg> stride) implements Statement {}

    /** {@code pool max global}: the whole plane to one value per channel. */
    record GlobalPool(Span span, PoolKind kind) implements Statement {}

    /** {@code pad P} or {@code pad PHxPW}: zeros around each plane, PH rows above and below, PW columns either side. */
    record Pad(Span span, Extent amount) implements Statement {}

    /**
     * {@code batchnorm [momentum M] [epsilon E] [freeze]}: batch normalization of the layer before, per channel
     * of a volume or per unit of a vector; momentum in Keras' sense (the running averages keep M of themselves).
     */
    record BatchNorm(Span span, Optional<RealArg> momentum, Optional<RealArg> epsilon, boolean frozen) implements Statement {}

    record Flatten(Span span) implements Statement {}

    record Dense(Span span, IntArg units, Optional<Activation> activation, Optional<RealArg> l1,
            Optional<RealArg> l2, boolean frozen, boolean bias, Optional<RealArg> activationAlpha) implements Statement {}

    record Dropout(Span span, RealArg rate) implements Statement {}

    /** A standalone activation; {@code activationAlpha} is the number after {@code leakyrelu} or {@code elu}, if written. */
    record ActivationLayer(Span span, Activation activation, Optional<RealArg> activationAlpha) implements Statement {}

    /** {@code optimizer rmsprop lr 0.001 rho 0.9}: options by keyword. */
    record Optimizer(Span span, OptimizerKind kind, Map<String, RealArg> options) implements Statement {}

    record Epochs(Span span, IntArg count) implements Statement {}

    record Batch(Span span, IntArg size) implements Statement {}

    record Seed(Span span, IntArg seed) implements Statement {}

    /** {@code positive N}: the class a network ending in one sigmoid unit answers yes to. */
    record Positive(Span span, IntArg digit) implements Statement {}

    /** {@code validation split F}: hold out the last fraction F of the training images, as Keras' validation_split. */
    record ValidationSplit(Span span, RealArg fraction) implements Statement {}

    /** {@code patience N}: stop after N epochs without a better val_loss and keep the best epoch. */
    record Patience(Span span, IntArg epochs) implements Statement {}

    /** {@code schedule cosine min 0.0001}: a learning-rate schedule with its options by keyword. */
    record Schedule(Span span, ScheduleKind kind, Map<String, RealArg> options) implements Statement {}

    /**
     * A statement that could not be built (a syntax error or a bad number inside it, already
     * reported). It stands in its place so later shape errors are not blamed on it.
     */
    record Broken(Span span) implements Statement {}
}
