package cnnc.codegen.conv;

import cnnc.codegen.Activations;
import cnnc.codegen.Backend;
import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.codegen.Scratch;
import cnnc.codegen.SharedMethods;
import cnnc.codegen.VectorTypes;
import cnnc.codegen.conv.ConvPieces.BiasGradient;
import cnnc.model.Layer;
import cnnc.plan.Plan;
import cnnc.plan.Step;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A stride-1 convolution for the {@link Backend#VECTOR} backend: the Vector API, one example at a
 * time, over "wide" planes (output position j = oy * PW + ox reads input position j + ky * PW + kx,
 * the last KW - 1 columns of each wide row are thrown away).
 *
 * <p>C2 in Java 17 vectorizes only loops whose arrays are all indexed alike, and it never keeps
 * a vector sum in a register across iterations, so the scalar backend copies taps into column
 * rows and sums weight gradients in lanes held in memory: two or three loads and stores per
 * multiply-add. Here loads may start anywhere, so every tap reads the plane in place, and the
 * sums stay in registers:
 *
 * <ul>
 *   <li>Forward and input gradient: a block of up to four output planes times two vectors of
 *       positions, so each input vector loaded feeds up to four multiply-adds and each weight
 *       broadcast two.
 *   <li>Weight gradient: one register per (output channel, tap) over a whole plane, added into
 *       per-weight vector sums once per example and reduced once per batch.
 * </ul>
 *
 * <p>Every plane buffer ends in two vectors of zeros, so the last vector of a wide plane may read
 * and write past its end; the gradient's waste columns and tail stay zero, so they add nothing.
 */
public final class VectorConvOp implements LayerOp {
    private final OpContext ctx;
    private final ConvGeometry g;
    private final ConvPieces pieces;
    private final Precision p;
    private final Step step;
    private final String name, weight, bias;
    private final String vt;

    public VectorConvOp(OpContext ctx, Layer.Conv conv) {
        this.ctx = ctx;
        this.g = ConvGeometry.of(conv, ctx.step().fusedPool());
        this.pieces = new ConvPieces(ctx, g, BiasGradient.WITH_WEIGHTS);
        this.p = ctx.precision();
        this.step = ctx.step();
        this.name = ctx.name();
        this.weight = pieces.weight();
        this.bias = pieces.bias();
        this.vt = VectorTypes.vectorClass(p);
    }

    /** Stride 1 and every tap unrolled; anything else keeps the scalar op. */
    public static boolean supports(Layer.Conv conv) {
        return conv.stride() == 1 && conv.kernelHeight() * conv.kernelWidth() <= Plan.MAX_UNROLLED_TAPS;
    }

    @Override
    public List<Scratch> scratch() {
        String slack = " + 2 * SPECIES.length()";
        var scratch = new ArrayList<Scratch>();
        if (!g.conv().bias()) {
            scratch.addAll(ctx.zeroBias(g.k()));
        }
        scratch.add(ctx.buffer("Source", g.c() * g.plane() + slack));
        scratch.add(ctx.rows("Wide", g.k(), g.wideName() + slack));
        if (ctx.training()) {
            scratch.add(ctx.rows("GradWide", g.k(), g.wideName() + slack));
            scratch.add(ctx.buffer("WeightSums", g.k() * g.c() * g.taps() + " * SPECIES.length()"));
            scratch.add(ctx.buffer("BiasSums", g.k() + " * SPECIES.length()"));
            scratch.add(ctx.buffer("GradPadded", g.k() * g.gradPlane() + slack));
            scratch.add(ctx.rows("InputGradWide", g.c(), g.gradWideName() + slack));
        }
        return scratch;
    }

    @Override
    public List<String> sharedMethods() {
        return ctx.training() ? List.of(SharedMethods.ADD_IN_ORDER) : List.of();
    }

    /** Copies example n's input planes into the zero-bordered source buffer (the border is never written). */
    private void loadSource(Code code) {
        String in = step.in().name();
        String src = name + "Source";
        int inSize = g.c() * g.ih() * g.iw();
        if (g.padded()) {
            code.loop("ch", g.c()).loop("y", g.ih())
                    .line("System.arraycopy(" + in + ", n * " + inSize + " + ch * " + (g.ih() * g.iw()) + " + y * " + g.iw() + ", "
                            + src + ", ch * " + g.plane() + " + (y + " + g.conv().padTop() + ") * " + g.pw() + " + "
                            + g.conv().padLeft() + ", " + g.iw() + ")")
                    .close().close();
        } else {
            code.line("System.arraycopy(" + in + ", n * " + inSize + ", " + src + ", 0, " + inSize + ")");
        }
    }

    /**
     * Copies a row of {@code width} values a vector at a time (the ReLU applied on the way if
     * asked); the last vector reads and writes up to V - 1 values past the row, so rows go in
     * ascending order and whatever follows a row is written after it.
     */
    private void copyRow(Code code, String src, String from, String dst, String to, int width, boolean relu) {
        code.open("for (int x = 0; x < " + width + "; x += V)")
                .line(vt + ".fromArray(SPECIES, " + src + ", " + from + " + x)" + (relu ? ".max(" + p.literal(0) + ")" : "")
                        + ".intoArray(" + dst + ", " + to + " + x)")
                .close();
    }

    @Override
    public List<FieldSpec> namedSizes() {
        return g.namedSizes(ctx.training());
    }

    @Override
    public List<String> buffersReadPastEnd() {
        var buffers = new ArrayList<String>();
        buffers.add(step.out().name());
        if (ctx.training()) {
            buffers.add(step.outGrad().name());
            buffers.add(step.inGrad().name());
        }
        return buffers;
    }

    /** One correlation: where it reads and writes, and how it finds a weight. */
    private record Correlation(String kind, String src, int srcPlane, int srcWidth, int inputs, int outputs,
            String rows, String length, WeightIndex weightIndex, boolean withBias) {}

    private Correlation forwardCorrelation() {
        return new Correlation("Forward", name + "Source", g.plane(), g.pw(), g.c(), g.k(), name + "Wide", g.wideName(),
                (ob, o, i, t) -> "(" + ob + " + " + o + ") * " + g.c() * g.taps() + " + " + i + " * " + g.taps() + " + " + t, true);
    }

    private Correlation inputCorrelation() {
        int taps = g.taps();
        return new Correlation("Input", name + "GradPadded", g.gradPlane(), g.gradPaddedWidth(), g.k(), g.c(), name + "InputGradWide",
                g.gradWideName(),
                (ob, o, i, t) -> i + " * " + g.c() * taps + " + (" + ob + " + " + o + ") * " + taps + " + " + flipped(taps, t), false);
    }

    /** Output planes per register block: each tap's input vectors feed this many multiply-adds. */
    private int planeBlock() {
        return Math.max(1, Math.min(BLOCK, 72 / g.taps()));
    }

    /**
     * Calls the kernels for {@code rows[o][j] = init(o) + sum over input planes i and taps t of
     * W(o, i, t) * src[i * plane + j + offset(t)]}, a block of planes at a time.
     */
    private void correlate(Code code, Correlation x) {
        blocks(code, x.outputs(), planeBlock(), x.kind() + "Planes");
    }

    /** Calls NAME + kernel + size(ob) for each block of {@code size} planes, then once for the rest. */
    private void blocks(Code code, int planes, int size, String kernel) {
        int full = planes / size * size;
        if (full > 0) {
            code.open("for (int ob = 0; ob < " + full + "; ob += " + size + ")")
                    .line(name + kernel + size + "(ob)")
                    .close();
        }
        if (full < planes) {
            code.line(name + kernel + (planes - full) + "(" + full + ")");
        }
    }

    /** The kernel methods {@link #blocks} calls: one per block size used. */
    private List<MethodSpec> kernels(int planes, int size, java.util.function.IntFunction<MethodSpec> kernel) {
        var methods = new ArrayList<MethodSpec>();
        if (planes >= size) {
            methods.add(kernel.apply(size));
        }
        if (planes % size != 0) {
            methods.add(kernel.apply(planes % size));
        }
        return methods;
    }

    /**
     * A kernel gets a method of its own: C2 gives each compiled method an inlining budget, and a
     * Vector API call that is not inlined falls back to slow Java code.
     */
    private MethodSpec.Builder kernel(String suffix, String javadoc) {
        return MethodSpec.methodBuilder(name + suffix)
                .addModifiers(javax.lang.model.element.Modifier.PRIVATE)
                .addParameter(int.class, "ob")
                .addJavadoc(javadoc + "\n");
    }

    /** Which output planes a kernel of {@code block} planes computes, in words. */
    private static String planes(int block) {
        return block == 1 ? "plane ob" : "planes ob to ob + " + (block - 1);
    }

    /** The weight index of (output plane ob + o, input plane i, tap t) as code; t is code too. */
    private interface WeightIndex {
        String of(String ob, int o, String i, String t);
    }

    private MethodSpec correlateKernel(Correlation corr, int block) {
        var code = new Code();
        String ob = "ob";
        String src = corr.src();
        String rows = corr.rows();
        int kj = SPAN;
        code.line("int V = SPECIES.length()");
        String length = corr.length();
        int inputs = corr.inputs();
        int srcPlane = corr.srcPlane();
        int srcWidth = corr.srcWidth();
        boolean withBias = corr.withBias();
        WeightIndex weightIndex = corr.weightIndex();
        code.open("for (int j = 0; j < " + length + "; j += " + kj + " * V)");
        for (int o = 0; o < block; o++) {
            String init = withBias ? vt + ".broadcast(SPECIES, " + bias + "[" + ob + " + " + o + "])" : vt + ".zero(SPECIES)";
            code.line(vt + " a" + o + "x0 = " + init);
            for (int x = 1; x < kj; x++) {
                code.line(vt + " a" + o + "x" + x + " = a" + o + "x0");
            }
        }
        code.loop("i", inputs).line("int s = i * " + srcPlane + " + j");
        boolean rowLoop = g.taps() > UNROLLED_TAPS;
        if (rowLoop) {
            // one filter row per iteration: with every row's taps in one body a 5x5 filter's kernel
            // passed C2's node cutoff, past which it inlines Vector API calls late and without profile
            code.loop("ky", g.kh()).line("int r = s + ky * " + srcWidth);
        }
        int unrolled = rowLoop ? g.kw() : g.taps();
        for (int t = 0; t < unrolled; t++) {
            String at;
            String tap;
            if (rowLoop) {
                at = t == 0 ? "r" : "r + " + t;
                tap = "ky * " + g.kw() + " + " + t;
            } else {
                int offset = (t / g.kw()) * srcWidth + t % g.kw();
                at = offset == 0 ? "s" : "s + " + offset;
                tap = Integer.toString(t);
            }
            for (int x = 0; x < kj; x++) {
                code.line(vt + " x" + t + "v" + x + " = " + vt + ".fromArray(SPECIES, " + src + ", " + at + (x == 0 ? "" : " + " + x + " * V") + ")");
            }
            for (int o = 0; o < block; o++) {
                code.line(vt + " w" + t + "o" + o + " = " + vt + ".broadcast(SPECIES, " + weight + "["
                        + weightIndex.of(ob, o, "i", tap) + "])");
                for (int x = 0; x < kj; x++) {
                    code.line("a" + o + "x" + x + " = x" + t + "v" + x + ".fma(w" + t + "o" + o + ", a" + o + "x" + x + ")");
                }
            }
        }
        if (rowLoop) {
            code.close();
        }
        code.close();
        for (int o = 0; o < block; o++) {
            for (int x = 0; x < kj; x++) {
                code.line("a" + o + "x" + x + ".intoArray(" + rows + "[" + ob + " + " + o + "], j" + (x == 0 ? "" : " + " + x + " * V") + ")");
            }
        }
        code.close();
        return kernel(corr.kind() + "Planes" + block, "Output " + planes(block) + " of the "
                + corr.kind().toLowerCase(java.util.Locale.ROOT) + " correlation, " + kj + " vectors of positions at a time.")
                .addCode(code.build()).build();
    }

    /** Vectors of positions per step of the forward and input-gradient kernels. */
    private static final int SPAN = 2;
    /**
     * Kernels of more taps than this loop over the filter's rows rather than unroll every tap: a
     * 5x5 filter's 25 taps in one body passed C2's node cutoff, and even a 3x3 filter's kernels
     * ran about 3% faster as a loop of three rows (smaller code, the same products in the same order).
     */
    private static final int UNROLLED_TAPS = 4;

    /** The flipped tap taps - 1 - t as code, folded where t is a number. */
    private static String flipped(int taps, String t) {
        return t.matches("\\d+") ? Integer.toString(taps - 1 - Integer.parseInt(t)) : (taps - 1) + " - (" + t + ")";
    }
    /** At most this many output planes per register block (fewer when the kernel has many taps). */
    private static final int BLOCK = 4;

    private MethodSpec forward() {
        var code = new Code();
        String out = step.out().name();
        String wide = name + "Wide";
        code.line("int V = SPECIES.length()");
        code.loop("n", "batch");
        loadSource(code);
        correlate(code, forwardCorrelation());
        boolean relu = step.activation() == cnnc.ast.Activation.RELU;
        code.comment("keep the valid columns of each wide row" + (relu ? ", with the ReLU applied" : ""));
        code.loop("oc", g.k()).loop("oy", g.oh());
        copyRow(code, wide + "[oc]", "oy * " + g.pw(), out, "n * " + g.outSize() + " + oc * " + (g.oh() * g.ow()) + " + oy * " + g.ow(), g.ow(), relu);
        code.close().close();
        if (!relu) {
            Activations.activateRange(code, p, step, out, "n * " + g.outSize(), g.outSize());
        }
        code.close();
        return ctx.method("Forward", "Forward pass: " + p.keyword() + " convolution with the Vector API, output planes in register blocks.",
                code.build());
    }

    @Override
    public List<MethodSpec> methods() {
        var methods = new ArrayList<MethodSpec>();
        methods.add(forward());
        if (ctx.training()) {
            methods.add(backward());
        }
        methods.addAll(kernels(g.k(), planeBlock(), b -> correlateKernel(forwardCorrelation(), b)));
        if (ctx.training()) {
            if (pieces.backwardBiasHasWork()) {
                methods.add(pieces.backwardBias());
            }
            methods.addAll(List.of(backwardWeights(), backwardInput()));
            methods.addAll(kernels(g.k(), weightBlock(), this::weightKernel));
            methods.add(reduceSums());
            methods.addAll(kernels(g.c(), planeBlock(), b -> correlateKernel(inputCorrelation(), b)));
        }
        return methods;
    }

    private MethodSpec backward() {
        var code = new Code();
        if (pieces.backwardBiasHasWork()) {
            code.line(name + "BackwardBias(batch)");
        }
        code.line(name + "BackwardWeights(batch)");
        ctx.callInputBackward(code);
        return ctx.method("Backward", "Backward pass: gradients of the bias, the weights and the input.", code.build());
    }

    /** Output channels whose tap sums share one pass over the input planes. */
    private int weightBlock() {
        return g.taps() <= 12 ? 2 : 1;
    }

    private MethodSpec backwardWeights() {
        var code = new Code();
        String gradOut = step.outGrad().name();
        String gw = name + "GradWide";
        String src = name + "Source";
        String sums = name + "WeightSums";
        String biasSums = name + "BiasSums";
        String zero = p.literal(0);
        code.line("int V = SPECIES.length()")
                .line(vt + " zero = " + vt + ".zero(SPECIES)")
                .line("java.util.Arrays.fill(" + sums + ", " + zero + ")")
                .line("java.util.Arrays.fill(" + biasSums + ", " + zero + ")");
        code.loop("n", "batch");
        loadSource(code);
        code.comment("the output gradient in wide rows (waste columns and tail stay zero)");
        code.loop("oc", g.k()).loop("oy", g.oh());
        copyRow(code, gradOut, "n * " + g.outSize() + " + oc * " + (g.oh() * g.ow()) + " + oy * " + g.ow(), gw + "[oc]", "oy * " + g.pw(), g.ow(), false);
        code.line("zero.intoArray(" + gw + "[oc], oy * " + g.pw() + " + " + g.ow() + ")")
                .close()
                .line(vt + " b = " + vt + ".fromArray(SPECIES, " + biasSums + ", oc * V)")
                .open("for (int j = 0; j < " + g.wideName() + "; j += V)")
                .line("b = b.add(" + vt + ".fromArray(SPECIES, " + gw + "[oc], j))")
                .close()
                .line("b.intoArray(" + biasSums + ", oc * V)")
                .close();
        blocks(code, g.k(), weightBlock(), "WeightPlanes");
        code.close(); // n
        code.line(name + "ReduceSums()");
        return ctx.method("BackwardWeights", "Accumulates the weight and bias gradients in registers over each plane, then in vector sums over the batch.", code.build());
    }

    /** Adds the vector sums up into the weight and bias gradients, once per batch. */
    private MethodSpec reduceSums() {
        var code = new Code();
        String add = SharedMethods.ADD_IN_ORDER;
        code.line("int V = SPECIES.length()");
        code.loop("r", g.k() * g.c() * g.taps())
                .line(weight + "Grad[r] += " + add + "(" + name + "WeightSums, r * V, V)")
                .close();
        code.loop("r", g.k())
                .line(bias + "Grad[r] += " + add + "(" + name + "BiasSums, r * V, V)")
                .close();
        return MethodSpec.methodBuilder(name + "ReduceSums").addModifiers(javax.lang.model.element.Modifier.PRIVATE)
                .addJavadoc("Adds each weight's and bias's vector sum up into its gradient.\n")
                .addCode(code.build()).build();
    }

    private MethodSpec weightKernel(int block) {
        var code = new Code();
        String gw = name + "GradWide";
        String src = name + "Source";
        String sums = name + "WeightSums";
        code.line("int V = SPECIES.length()");
        code.loop("ic", g.c());
        for (int o = 0; o < block; o++) {
            for (int t = 0; t < g.taps(); t++) {
                code.line(vt + " a" + o + "t" + t + " = " + vt + ".zero(SPECIES)");
            }
        }
        code.open("for (int j = 0; j < " + g.wideName() + "; j += V)").line("int s = ic * " + g.plane() + " + j");
        for (int o = 0; o < block; o++) {
            code.line(vt + " g" + o + " = " + vt + ".fromArray(SPECIES, " + gw + "[ob + " + o + "], j)");
        }
        for (int t = 0; t < g.taps(); t++) {
            int offset = (t / g.kw()) * g.pw() + t % g.kw();
            code.line(vt + " x" + t + " = " + vt + ".fromArray(SPECIES, " + src + ", " + (offset == 0 ? "s" : "s + " + offset) + ")");
            for (int o = 0; o < block; o++) {
                code.line("a" + o + "t" + t + " = x" + t + ".fma(g" + o + ", a" + o + "t" + t + ")");
            }
        }
        code.close();
        for (int o = 0; o < block; o++) {
            code.line("int w" + o + " = ((ob + " + o + ") * " + g.c() + " + ic) * " + g.taps() + " * V");
            for (int t = 0; t < g.taps(); t++) {
                String at = "w" + o + (t == 0 ? "" : " + " + t + " * V");
                code.line("a" + o + "t" + t + ".add(" + vt + ".fromArray(SPECIES, " + sums + ", " + at + ")).intoArray("
                        + sums + ", " + at + ")");
            }
        }
        code.close();
        return kernel("WeightPlanes" + block, "Adds example n's weight gradient for output " + planes(block)
                + " into the vector sums: one register per (plane, tap) over each input plane.")
                .addCode(code.build()).build();
    }

    /**
     * The input gradient is a forward convolution too: the output gradient, zero-bordered by the
     * kernel size less one, correlated with the flipped kernel.
     */
    private MethodSpec backwardInput() {
        var code = new Code();
        String gp = name + "GradPadded";
        String dwide = name + "InputGradWide";
        int gpw = g.gradPaddedWidth();
        code.line("int V = SPECIES.length()")
                .line(vt + " zero = " + vt + ".zero(SPECIES)");
        code.loop("n", "batch");
        code.loop("oc", g.k()).loop("oy", g.oh()).line("int row = oc * " + g.gradPlane() + " + (oy + " + (g.kh() - 1) + ") * " + gpw + " + " + (g.kw() - 1));
        copyRow(code, step.outGrad().name(), "n * " + g.outSize() + " + oc * " + (g.oh() * g.ow()) + " + oy * " + g.ow(), gp, "row", g.ow(), false);
        code.comment("the border again: the zero columns right of the row and left of the next");
        code.line("zero.intoArray(" + gp + ", row + " + g.ow() + ")").close().close();
        correlate(code, inputCorrelation());
        code.comment("drop the border: only the interior is the layer's input");
        code.loop("ic", g.c()).loop("y", g.ih());
        copyRow(code, dwide + "[ic]", "(y + " + g.conv().padTop() + ") * " + gpw + " + " + g.conv().padLeft(), step.inGrad().name(),
                "n * " + (g.c() * g.ih() * g.iw()) + " + ic * " + (g.ih() * g.iw()) + " + y * " + g.iw(), g.iw(), false);
        code.close().close();
        code.close();
        return ctx.method("BackwardInput", "Computes the gradient of the layer's input: the zero-bordered output gradient correlated with the flipped kernel, with the Vector API.", code.build());
    }
}
