package cnnc.check;

import cnnc.ast.Activation;
import cnnc.ast.Extent;
import cnnc.ast.Padding;
import cnnc.ast.Program;
import cnnc.ast.Statement;
import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.diag.Span;
import cnnc.model.Layer;
import cnnc.model.Loss;
import cnnc.model.Network;
import cnnc.model.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Infers every layer's output shape, parameter count and multiply-accumulates, and enforces the
 * rules of DESIGN 1.1. It never throws on user input: each problem becomes a diagnostic and
 * checking goes on. After a shape error the shape is unknown, so the layers that depend on it
 * are not blamed, while everything that does not depend on it (sizes, ranges, softmax placement,
 * and every layer after a dense, whose output is known again) is still checked.
 */
public final class ShapeChecker {
    /** The largest Java array (a few header words below Integer.MAX_VALUE on HotSpot). */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final SourceFile source;
    private final Diagnostics diagnostics;
    private final ValueRules rules;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Integer> ordinals = new HashMap<>();
    private final TrainingChecker training;

    /** The shape flowing into the next layer; null when an earlier error left it unknown. */
    private Shape current;
    /** Where {@link #current} came from, for notes. */
    private String origin;
    private boolean valid = true;

    private ShapeChecker(Program program, Diagnostics diagnostics) {
        this.source = program.source();
        this.diagnostics = diagnostics;
        this.rules = new ValueRules(diagnostics, source);
        this.training = new TrainingChecker(source, diagnostics);
    }

    /** The checked network, or empty when the file has errors (all of them in {@code diagnostics}). */
    public static Optional<Network> check(Program program, Diagnostics diagnostics) {
        return new ShapeChecker(program, diagnostics).run(program);
    }

    private Optional<Network> run(Program program) {
        var layerStatements = new ArrayList<Statement>();
        for (Statement s : program.statements()) {
            if (!training.accept(s)) {
                layerStatements.add(s);
            }
        }
        Shape input = checkInput(layerStatements);
        if (input == null && layerStatements.isEmpty()) {
            return Optional.empty();
        }
        // A broken statement (a syntax error, already reported) at the end may have been a
        // misspelled training setting: it does not make the layer before it "not the last".
        int lastLayer = layerStatements.size() - 1;
        while (lastLayer > 0 && layerStatements.get(lastLayer) instanceof Statement.Broken) {
            lastLayer--;
        }
        for (int i = 1; i < layerStatements.size(); i++) {
            checkLayer(layerStatements.get(i), i == lastLayer);
        }
        if (layerStatements.size() == 1 && input != null) {
            diagnostics.add(Diagnostic.error(layerStatements.get(0).span(), "the network has no layers after `input`")
                    .withHelp("add layers, e.g. `flatten` and `dense 10 softmax`"));
        }
        Span positive = training.positiveSpan();
        Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        if (positive != null && last != null && (last.out().size() != 1 || lossOf(last) != Loss.BINARY_CROSSENTROPY)) {
            diagnostics.add(Diagnostic.error(positive, "`positive` applies only to a network that ends in `dense 1 sigmoid`")
                    .withHelp("remove it, or end the network in `dense 1 sigmoid` to answer yes or no to one class"));
        }
        if (!valid || diagnostics.hasErrors() || input == null) {
            return Optional.empty();
        }
        return Optional.of(new Network(source, input, layers, lossOf(layers.get(layers.size() - 1)),
                training.settings()));
    }

    // ---- input ---------------------------------------------------------------------------

    private Shape checkInput(List<Statement> statements) {
        if (statements.isEmpty()) {
            Span start = new Span(0, 1, 1, 1);
            diagnostics.add(Diagnostic.error(start, "the file describes no network")
                    .withHelp("start with `input 28x28x1` (height x width x channels), then the layers"));
            valid = false;
            return null;
        }
        Statement first = statements.get(0);
        // After a syntax error on the first line (already reported), a later `input` may be the
        // one the user meant; calling it a second one would only add noise.
        for (int i = 1; i < statements.size() && !(first instanceof Statement.Broken); i++) {
            if (statements.get(i) instanceof Statement.Input again) {
                diagnostics.add(Diagnostic.error(again.span(), "`input` may appear only once, as the first statement")
                        .withNote("the network starts at " + first.span().position() + " with `" + text(first) + "`"));
            }
        }
        if (first instanceof Statement.Broken) {
            valid = false;
            return null;
        }
        if (!(first instanceof Statement.Input in)) {
            diagnostics.add(Diagnostic.error(first.span(), "the network must start with `input`")
                    .withHelp("add a first line such as `input 28x28x1` (height x width x channels)"));
            valid = false;
            return null;
        }
        if (in.height() <= 0 || in.width() <= 0 || in.channels() <= 0) {
            diagnostics.add(Diagnostic.error(in.sizeSpan(), "input sizes must be positive, not " + source.textOf(in.sizeSpan())));
            valid = false;
            return null;
        }
        Shape shape = in.isVector() ? new Shape.Vector(in.channels()) : new Shape.Volume(in.height(), in.width(), in.channels());
        if (!fitsArray(in.sizeSpan(), "the input " + source.textOf(in.sizeSpan()), in.height(), in.width(), in.channels())) {
            return null;
        }
        current = shape;
        origin = "the input is `" + text(in) + "` at " + in.span().position();
        return shape;
    }

    // ---- layers --------------------------------------------------------------------------

    private void checkLayer(Statement s, boolean last) {
        Shape in = current;
        if (s instanceof Statement.Conv conv) {
            current = conv(conv, in, last);
        } else if (s instanceof Statement.Pool pool) {
            current = pool(pool, in);
        } else if (s instanceof Statement.GlobalPool pool) {
            current = globalPool(pool, in);
        } else if (s instanceof Statement.Pad pad) {
            current = pad(pad, in);
        } else if (s instanceof Statement.BatchNorm bn) {
            current = batchNorm(bn, in);
        } else if (s instanceof Statement.Flatten flatten) {
            current = flatten(flatten, in);
        } else if (s instanceof Statement.Dense dense) {
            current = dense(dense, in, last);
        } else if (s instanceof Statement.Dropout dropout) {
            current = dropout(dropout, in);
        } else if (s instanceof Statement.ActivationLayer act) {
            current = activation(act, in, last);
        } else {
            current = fail(); // Broken: already reported
        }
        if (current != null) {
            origin = "the input comes from `" + text(s) + "` at " + s.span().position()
                    + " (" + (in == null ? "" : in.text() + " ") + "-> " + current.text() + ")";
        }
    }

    private Shape conv(Statement.Conv s, Shape in, boolean last) {
        boolean ok = rules.positive(s.filters().value(), s.filters().span(), "`conv` needs at least 1 filter");
        ok &= rules.positiveExtent(s.kernel().height(), s.kernel().width(), s.kernel().span(), "kernel size");
        int stride = s.stride().map(a -> a.value()).orElse(1);
        if (s.stride().isPresent()) {
            ok &= rules.positive(stride, s.stride().get().span(), "the stride must be at least 1");
        }
        if (s.padding().orElse(null) instanceof Padding.Explicit p && p.amount() < 0) {
            diagnostics.add(Diagnostic.error(p.span(), "padding must not be negative, not " + p.amount())
                    .withHelp("use `pad 0` (or `pad valid`) for no padding"));
            ok = false;
        }
        ok &= rules.regularizers(s.l1(), s.l2());
        ok &= rules.activationFits(s.activation().orElse(Activation.LINEAR), s.span(), last, false);
        ok &= rules.activationAlpha(s.activation().orElse(Activation.LINEAR), s.activationAlpha());
        if (!ok || in == null) {
            return fail();
        }
        if (!(in instanceof Shape.Volume v)) {
            diagnostics.add(Diagnostic.error(s.span(), "`conv` needs a HxWxC volume, but its input is a vector of " + in.text())
                    .withNote(origin)
                    .withHelp(layers.isEmpty() ? "declare the input as height x width x channels, e.g. `input 28x28x1`"
                            : "put `conv` layers before `flatten`"));
            return fail();
        }
        int kh = s.kernel().height();
        int kw = s.kernel().width();
        int[] pads; // top, left, bottom, right
        Padding padding = s.padding().orElse(new Padding.Valid(s.span()));
        if (padding instanceof Padding.Same) {
            pads = ConvArithmetic.samePadding(v.height(), v.width(), kh, kw, stride);
        } else {
            int p = padding instanceof Padding.Explicit e ? e.amount() : 0;
            pads = new int[] {p, p, p, p};
        }
        String what = "`conv " + s.filters().value() + " " + s.kernel().text() + (stride == 1 ? "" : " stride " + stride) + "`";
        var dims = new ConvArithmetic(v, kh, kw, stride, pads);
        Optional<Diagnostic> problem = dims.problem(what, s.span());
        if (problem.isPresent()) {
            diagnostics.add(problem.get().withNote(origin));
            return fail();
        }
        if (!(padding instanceof Padding.Same)) {
            // 'same' is Keras' ceil(W/S) by definition, even where a 1x1 kernel skips pixels.
            dims.leftOut(what, s.span()).ifPresent(w -> diagnostics.add(w.withNote(origin)));
        }
        String outText = dims.outHeight() + "x" + dims.outWidth() + "x" + s.filters().value();
        if (!fitsArray(s.span(), "the weights of `" + text(s) + "`", s.filters().value(), v.channels(), kh, kw)
                || !fitsArray(s.span(), "the " + outText + " output of `" + text(s) + "`",
                        dims.outHeight(), dims.outWidth(), s.filters().value())) {
            return fail();
        }
        var out = new Shape.Volume((int) dims.outHeight(), (int) dims.outWidth(), s.filters().value());
        add(new Layer.Conv(name("conv"), v, out, s.span(), text(s), kh, kw, stride, pads[0], pads[1], pads[2], pads[3],
                s.activation().orElse(Activation.LINEAR), real(s.l1()), real(s.l2()), s.frozen(), s.bias(),
                ValueRules.activationAlphaOf(s.activation().orElse(Activation.LINEAR), s.activationAlpha())));
        return out;
    }

    private Shape pool(Statement.Pool s, Shape in) {
        boolean ok = rules.positiveExtent(s.window().height(), s.window().width(), s.window().span(), "pool size");
        if (s.stride().isPresent()) {
            ok &= rules.positive(s.stride().get().value(), s.stride().get().span(), "the stride must be at least 1");
        }
        if (!ok || in == null) {
            return fail();
        }
        if (!(in instanceof Shape.Volume v)) {
            return notAVolume(s.span(), "`pool`", in, "put `pool` layers before `flatten`");
        }
        int fh = s.window().height();
        int fw = s.window().width();
        if (s.stride().isEmpty() && fh != fw) {
            diagnostics.add(Diagnostic.error(s.window().span(), "a rectangular pool window needs an explicit `stride`")
                    .withHelp("write e.g. `pool " + s.window().text() + " stride " + Math.min(fh, fw) + "`"));
            return fail();
        }
        int stride = s.stride().map(a -> a.value()).orElse(fh);
        if (fh > v.height() || fw > v.width()) {
            diagnostics.add(Diagnostic.error(s.span(), "`pool " + s.window().text() + "` does not fit the " + v.text() + " input")
                    .withNote(origin)
                    .withHelp("use a window of at most " + v.height() + "x" + v.width() + ", or remove this pool"));
            return fail();
        }
        int oh = (v.height() - fh) / stride + 1;
        int ow = (v.width() - fw) / stride + 1;
        int dropRows = v.height() - ((oh - 1) * stride + fh);
        int dropCols = v.width() - ((ow - 1) * stride + fw);
        if (dropRows > 0 || dropCols > 0) {
            diagnostics.add(Diagnostic.warning(s.span(), "`" + text(s) + "` leaves out the last "
                    + ConvArithmetic.dropped(dropRows, dropCols) + " of the " + v.text() + " input")
                    .withNote("floor((" + v.height() + " - " + fh + ")/" + stride + ") + 1 = " + oh + " rows, floor(("
                            + v.width() + " - " + fw + ")/" + stride + ") + 1 = " + ow + " columns")
                    .withNote(origin));
        }
        var out = new Shape.Volume(oh, ow, v.channels());
        add(new Layer.Pool(name("pool"), v, out, s.span(), text(s), s.kind(), fh, fw, stride));
        return out;
    }

    /** {@code pool max|avg global}: a volume to a vector of its channels (Keras' GlobalMaxPooling2D and GlobalAveragePooling2D). */
    private Shape globalPool(Statement.GlobalPool s, Shape in) {
        if (!(in instanceof Shape.Volume v)) {
            return in == null ? fail() : notAVolume(s.span(), "`" + text(s) + "`", in, "put it where the input is still a volume");
        }
        var out = new Shape.Vector(v.channels());
        add(new Layer.GlobalPool(name("pool"), v, out, s.span(), text(s), s.kind()));
        return out;
    }

    /** {@code pad P}: zero padding as a layer (Keras' ZeroPadding2D), e.g. 28x28 to LeNet-5's 32x32. */
    private Shape pad(Statement.Pad s, Shape in) {
        Extent p = s.amount();
        if (!rules.positiveExtent(p.height(), p.width(), p.span(), "padding") || in == null) {
            return fail();
        }
        if (!(in instanceof Shape.Volume v)) {
            return notAVolume(s.span(), "`" + text(s) + "`", in, "pad before `flatten`");
        }
        long h = v.height() + 2L * p.height();
        long w = v.width() + 2L * p.width();
        if (!fitsArray(s.span(), "the " + h + "x" + w + "x" + v.channels() + " output of `" + text(s) + "`", h, w, v.channels())) {
            return fail();
        }
        var out = new Shape.Volume((int) h, (int) w, v.channels());
        add(new Layer.Pad(name("pad"), v, out, s.span(), text(s), p.height(), p.width()));
        return out;
    }

    /** {@code batchnorm}: normalizes what a layer computed, per channel of a volume or per unit of a vector. */
    private Shape batchNorm(Statement.BatchNorm s, Shape in) {
        if (!rules.batchNorm(s) || in == null) {
            return fail();
        }
        if (layers.stream().allMatch(l -> l.reshapesOnly() || l.identityAtInference())) {
            diagnostics.add(Diagnostic.error(s.span(), "`batchnorm` normalizes what a layer computed, but its input is the"
                    + " network's input").withNote(origin)
                    .withHelp("put it after a `conv` or `dense` layer; to normalize the input, train with `--normalize`"));
            return fail();
        }
        add(new Layer.BatchNorm(name("bn"), in, in, s.span(), text(s),
                s.momentum().map(cnnc.ast.RealArg::value).orElse(Layer.BatchNorm.DEFAULT_MOMENTUM),
                s.epsilon().map(cnnc.ast.RealArg::value).orElse(Layer.BatchNorm.DEFAULT_EPSILON), s.frozen()));
        return in;
    }

    private Shape flatten(Statement.Flatten s, Shape in) {
        if (in == null) {
            return fail();
        }
        if (in instanceof Shape.Vector vec) {
            diagnostics.add(Diagnostic.warning(s.span(), "`flatten` does nothing here: its input is already a vector of "
                    + vec.text()).withNote(origin).withHelp("remove this `flatten`"));
            add(new Layer.Flatten(name("flatten"), new Shape.Volume(1, 1, vec.length()), vec, s.span(), text(s)));
            return vec;
        }
        var v = (Shape.Volume) in;
        var out = new Shape.Vector(v.size());
        add(new Layer.Flatten(name("flatten"), v, out, s.span(), text(s)));
        return out;
    }

    private Shape dense(Statement.Dense s, Shape in, boolean last) {
        boolean ok = rules.positive(s.units().value(), s.units().span(), "`dense` needs at least 1 unit");
        ok &= rules.regularizers(s.l1(), s.l2());
        ok &= rules.activationFits(s.activation().orElse(Activation.LINEAR), s.span(), last, true);
        ok &= rules.activationAlpha(s.activation().orElse(Activation.LINEAR), s.activationAlpha());
        var out = ok ? new Shape.Vector(s.units().value()) : null;
        if (ok && last && s.units().value() == 1 && s.activation().orElse(null) == Activation.SOFTMAX) {
            diagnostics.add(Diagnostic.warning(s.span(), "softmax over 1 unit always outputs 1, so nothing can be learned")
                    .withHelp("for a binary classifier use `dense 1 sigmoid`"));
        }
        if (in instanceof Shape.Volume v) {
            diagnostics.add(Diagnostic.error(s.span(), "`dense` needs a vector, but its input is the " + v.text() + " volume")
                    .withNote(origin)
                    .withHelp("add `flatten` before `dense`"));
            valid = false;
            return out; // a dense layer's output shape does not depend on its input
        }
        if (!ok || in == null) {
            valid = false;
            return out;
        }
        var vec = (Shape.Vector) in;
        if (!fitsArray(s.span(), "the weights of `" + text(s) + "`", vec.length(), s.units().value())) {
            return out;
        }
        add(new Layer.Dense(name("dense"), vec, out, s.span(), text(s), s.activation().orElse(Activation.LINEAR),
                real(s.l1()), real(s.l2()), s.frozen(), s.bias(),
                ValueRules.activationAlphaOf(s.activation().orElse(Activation.LINEAR), s.activationAlpha())));
        return out;
    }

    private Shape dropout(Statement.Dropout s, Shape in) {
        double rate = s.rate().value();
        if (!(rate >= 0 && rate < 1)) {
            diagnostics.add(Diagnostic.error(s.rate().span(), "the dropout rate must be at least 0 and below 1, not "
                    + source.textOf(s.rate().span()))
                    .withHelp("`dropout 0.3` drops 30% of the values while training"));
            return fail();
        }
        if (in == null) {
            return fail();
        }
        add(new Layer.Dropout(name("dropout"), in, in, s.span(), text(s), rate));
        return in;
    }

    private Shape activation(Statement.ActivationLayer s, Shape in, boolean last) {
        boolean ok = rules.activationFits(s.activation(), s.span(), last, in == null || in instanceof Shape.Vector);
        ok &= rules.activationAlpha(s.activation(), s.activationAlpha());
        if (!ok || in == null) {
            return fail();
        }
        add(new Layer.ActivationLayer(name(s.activation().keyword()), in, in, s.span(), text(s), s.activation(),
                ValueRules.activationAlphaOf(s.activation(), s.activationAlpha())));
        return in;
    }

    // ---- shared rules --------------------------------------------------------------------

    /** Whether an array of the product of {@code sizes} fits the JVM; the product may exceed a long. */
    private boolean fitsArray(Span span, String what, long... sizes) {
        var count = java.math.BigInteger.ONE;
        for (long size : sizes) {
            count = count.multiply(java.math.BigInteger.valueOf(size));
        }
        if (count.compareTo(java.math.BigInteger.valueOf(MAX_ARRAY)) <= 0) {
            return true;
        }
        diagnostics.add(Diagnostic.error(span, String.format(java.util.Locale.ROOT,
                        "%s would hold %,d values, more than a Java array can (%,d)", what, count, MAX_ARRAY))
                .withHelp("use fewer filters or units, a smaller input, or a stride to shrink it"));
        valid = false;
        return false;
    }

    private static Loss lossOf(Layer last) {
        return switch (last.activation()) {
            case SOFTMAX -> Loss.CATEGORICAL_CROSSENTROPY;
            case SIGMOID -> Loss.BINARY_CROSSENTROPY;
            default -> Loss.MEAN_SQUARED_ERROR;
        };
    }

    /** An error: a layer that needs a volume got a vector. */
    private Shape notAVolume(Span span, String what, Shape in, String help) {
        diagnostics.add(Diagnostic.error(span, what + " needs a HxWxC volume, but its input is a vector of " + in.text())
                .withNote(origin)
                .withHelp(help));
        return fail();
    }

    private Shape fail() {
        valid = false;
        return null;
    }

    private void add(Layer layer) {
        layers.add(layer);
    }

    private String name(String kind) {
        return kind + ordinals.merge(kind, 1, Integer::sum);
    }

    private String text(Statement s) {
        return source.textOf(s.span());
    }

    private static double real(Optional<cnnc.ast.RealArg> arg) {
        return arg.map(cnnc.ast.RealArg::value).orElse(0.0);
    }
}
