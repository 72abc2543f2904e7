package cnnc.model;

import cnnc.ast.Activation;
import cnnc.ast.PoolKind;
import cnnc.diag.Span;
import java.util.List;
import java.util.Optional;

/**
 * A checked layer: every shape known and valid. Names are the kind plus a 1-based ordinal of
 * that kind ({@code conv1}, {@code dense2}), the names its tensors carry in model files.
 */
public sealed interface Layer {
    String name();

    Shape in();

    Shape out();

    /** Where the layer was written, for messages and generated Javadoc. */
    Span span();

    /** The statement as written, e.g. {@code conv 10 3x3 relu}. */
    String source();

    /** Weights plus biases. */
    default long params() {
        return 0;
    }

    /** Multiply-accumulates of one forward pass over one example. */
    default long macs() {
        return 0;
    }

    /** Whether training may change the parameters ({@code freeze} says no). */
    default boolean trainable() {
        return true;
    }

    /** The parameters training may change: all of them unless frozen (a batchnorm's running averages never). */
    default long trainableParams() {
        return trainable() ? params() : 0;
    }

    /**
     * Whether training normalizes with statistics of the whole batch (a batchnorm that is not frozen), so
     * that a batch split over threads must meet here to sum them.
     */
    default boolean needsBatchStatistics() {
        return false;
    }

    /** A short type for the summary table, e.g. {@code Conv 3x3}. */
    String typeLabel();

    /** The activation the layer applies to its output (linear for layers that have none). */
    default Activation activation() {
        return Activation.LINEAR;
    }

    /** The slope below zero of a {@code leakyrelu} activation, or the alpha of an {@code elu}; 0 for the others. */
    default double activationAlpha() {
        return 0;
    }

    /** The trainable tensors, in model-file order: weight, then bias. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** The L1 penalty on the layer's weights (0 for none). */
    default double l1() {
        return 0;
    }

    /** The L2 penalty on the layer's weights (0 for none). */
    default double l2() {
        return 0;
    }

    /** Whether the layer only reinterprets its input (flatten: a C, H, W volume already is its vector). */
    default boolean reshapesOnly() {
        return false;
    }

    /** Whether the layer is an activation and nothing else ({@code relu} on a line of its own). */
    default boolean activationOnly() {
        return false;
    }

    /** Whether the layer is the identity at inference (dropout). */
    default boolean identityAtInference() {
        return false;
    }

    /** This layer as a convolution, for rewrites that match one; empty for other kinds. */
    default Optional<Conv> asConv() {
        return Optional.empty();
    }

    /** This layer as a pooling layer, for rewrites that match one; empty for other kinds. */
    default Optional<Pool> asPool() {
        return Optional.empty();
    }

    /** Calls the visitor's method for this kind of layer: the one place later stages dispatch on it. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per kind of layer. A new kind adds a method here, and the compiler then points
     * at every stage that must learn it.
     */
    interface Visitor<R> {
        R conv(Conv conv);

        R pool(Pool pool);

        R globalPool(GlobalPool pool);

        R pad(Pad pad);

        R batchNorm(BatchNorm batchNorm);

        R flatten(Flatten flatten);

        R dense(Dense dense);

        R dropout(Dropout dropout);

        R activation(ActivationLayer activation);
    }

    /** conv K KHxKW: weights laid out [K][C][KH][KW] as PyTorch does. */
    record Conv(String name, Shape.Volume in, Shape.Volume out, Span span, String source, int kernelHeight,
            int kernelWidth, int stride, int padTop, int padLeft, int padBottom, int padRight,
            Activation activation, double l1, double l2, boolean frozen, boolean bias, double activationAlpha)
            implements Layer {
        public int filters() {
            return out.channels();
        }

        public int weightCount() {
            return filters() * in.channels() * kernelHeight * kernelWidth;
        }

        @Override
        public long params() {
            return (long) weightCount() + (bias ? filters() : 0);
        }

        @Override
        public long macs() {
            return (long) out.height() * out.width() * filters() * kernelHeight * kernelWidth * in.channels();
        }

        @Override
        public boolean trainable() {
            return !frozen;
        }

        public boolean padded() {
            return padTop + padLeft + padBottom + padRight > 0;
        }

        @Override
        public String typeLabel() {
            return "Conv " + kernelHeight + "x" + kernelWidth + (stride == 1 ? "" : " /" + stride);
        }

        @Override
        public List<Parameter> parameters() {
            int taps = kernelHeight * kernelWidth;
            var weight = new Parameter(this, name + ".weight", name + "Weight",
                    new int[] {filters(), in.channels(), kernelHeight, kernelWidth}, in.channels() * taps, filters() * taps);
            return bias ? List.of(weight, new Parameter(this, name + ".bias", name + "Bias", new int[] {filters()}, 0, 0))
                    : List.of(weight);
        }

        @Override
        public Optional<Conv> asConv() {
            return Optional.of(this);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.conv(this);
        }
    }

    record Pool(String name, Shape.Volume in, Shape.Volume out, Span span, String source, PoolKind kind,
            int windowHeight, int windowWidth, int stride) implements Layer {
        @Override
        public String typeLabel() {
            return (kind == PoolKind.MAX ? "MaxPool " : "AvgPool ") + windowHeight + "x" + windowWidth
                    + (stride == windowHeight && stride == windowWidth ? "" : " /" + stride);
        }

        @Override
        public Optional<Pool> asPool() {
            return Optional.of(this);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.pool(this);
        }
    }

    /** The whole plane to one value per channel: its maximum or its average. A vector of the channels. */
    record GlobalPool(String name, Shape.Volume in, Shape.Vector out, Span span, String source, PoolKind kind)
            implements Layer {
        @Override
        public String typeLabel() {
            return kind == PoolKind.MAX ? "GlobalMaxPool" : "GlobalAvgPool";
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.globalPool(this);
        }
    }

    /** Zeros around each plane: {@code rows} above and below, {@code columns} left and right (Keras' ZeroPadding2D). */
    record Pad(String name, Shape.Volume in, Shape.Volume out, Span span, String source, int rows, int columns)
            implements Layer {
        @Override
        public String typeLabel() {
            return "ZeroPad " + rows + "x" + columns;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.pad(this);
        }
    }

    /**
     * Batch normalization (Ioffe and Szegedy, 2015) per channel of a volume or per unit of a vector, as
     * PyTorch's BatchNorm2d and BatchNorm1d: a scale (weight) and shift (bias) that train, and running
     * averages of the mean and variance that inference uses. {@code momentum} is Keras': each training step
     * keeps that much of the running averages (PyTorch's momentum is 1 minus it). A frozen one normalizes
     * with its running averages while training too and keeps them (Keras' trainable=False).
     */
    record BatchNorm(String name, Shape in, Shape out, Span span, String source, double momentum, double epsilon,
            boolean frozen) implements Layer {
        /** Keras' default momentum (PyTorch's 0.1 in its own sense). */
        public static final double DEFAULT_MOMENTUM = 0.99;
        /** Keras' default epsilon (PyTorch's is 1e-5). */
        public static final double DEFAULT_EPSILON = 0.001;

        /** Channels of a volume, or units of a vector: each normalized on its own. */
        public int channels() {
            return in instanceof Shape.Volume v ? v.channels() : in.size();
        }

        /** Values per channel of one example: height times width, 1 for a vector. */
        public int plane() {
            return in.size() / channels();
        }

        @Override
        public long params() {
            return 4L * channels();
        }

        @Override
        public long trainableParams() {
            return frozen ? 0 : 2L * channels();
        }

        @Override
        public boolean trainable() {
            return !frozen;
        }

        @Override
        public boolean needsBatchStatistics() {
            return !frozen;
        }

        @Override
        public String typeLabel() {
            return "BatchNorm";
        }

        @Override
        public List<Parameter> parameters() {
            int[] shape = {channels()};
            return List.of(
                    new Parameter(this, name + ".weight", name + "Weight", shape, 0, 0, Parameter.Role.SCALE),
                    new Parameter(this, name + ".bias", name + "Bias", shape, 0, 0, Parameter.Role.BIAS),
                    new Parameter(this, name + ".running_mean", name + "RunningMean", shape, 0, 0, Parameter.Role.RUNNING_MEAN),
                    new Parameter(this, name + ".running_var", name + "RunningVar", shape, 0, 0, Parameter.Role.RUNNING_VARIANCE));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.batchNorm(this);
        }
    }

    /** Orders values C, H, W as PyTorch's flatten does, so weights files carry over. */
    record Flatten(String name, Shape.Volume in, Shape.Vector out, Span span, String source) implements Layer {
        @Override
        public String typeLabel() {
            return "Flatten";
        }

        @Override
        public boolean reshapesOnly() {
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.flatten(this);
        }
    }

    /** dense N: weights laid out [N][inputs] as PyTorch's Linear. */
    record Dense(String name, Shape.Vector in, Shape.Vector out, Span span, String source, Activation activation,
            double l1, double l2, boolean frozen, boolean bias, double activationAlpha) implements Layer {
        public int units() {
            return out.length();
        }

        public int weightCount() {
            return units() * in.length();
        }

        @Override
        public long params() {
            return (long) weightCount() + (bias ? units() : 0);
        }

        @Override
        public long macs() {
            return (long) in.length() * units();
        }

        @Override
        public boolean trainable() {
            return !frozen;
        }

        @Override
        public String typeLabel() {
            return "Dense";
        }

        @Override
        public List<Parameter> parameters() {
            var weight = new Parameter(this, name + ".weight", name + "Weight", new int[] {units(), in.length()},
                    in.length(), units());
            return bias ? List.of(weight, new Parameter(this, name + ".bias", name + "Bias", new int[] {units()}, 0, 0))
                    : List.of(weight);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.dense(this);
        }
    }

    /** Inverted dropout: scales kept values by 1/(1-rate) while training, nothing at inference. */
    record Dropout(String name, Shape in, Shape out, Span span, String source, double rate) implements Layer {
        @Override
        public String typeLabel() {
            return "Dropout " + rate;
        }

        @Override
        public boolean identityAtInference() {
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.dropout(this);
        }
    }

    record ActivationLayer(String name, Shape in, Shape out, Span span, String source, Activation activation,
            double activationAlpha) implements Layer {
        @Override
        public String typeLabel() {
            return "Activation";
        }

        @Override
        public boolean activationOnly() {
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.activation(this);
        }
    }
}
