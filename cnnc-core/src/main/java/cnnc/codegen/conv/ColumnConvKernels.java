package cnnc.codegen.conv;

import cnnc.codegen.Activations;
import cnnc.codegen.Code;
import cnnc.codegen.SharedMethods;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.MethodSpec;
import javax.lang.model.element.Modifier;

/**
 * Stride-1 convolution code over tap columns ({@link ConvStrategy}): each tap's shifted view of
 * each input plane copied into a row of its own, so every multiply-add loop indexes its arrays
 * alike and C2 vectorizes it. The forward pass, the weight gradient in per-lane sums, and the
 * input gradient as a forward correlation of the zero-bordered output gradient. Kernels of more
 * than nine taps sum through a row of partial sums, and an inference class puts the examples of
 * short rows side by side; both keep every sum's order, so the bits.
 */
final class ColumnConvKernels extends ConvKernel {

    ColumnConvKernels(ConvPieces pieces) {
        super(pieces);
    }

    /** Calls the method that copies the example at {@code base} into {@code columns}. */
    private void im2col(Code code, String columns, String base) {
        code.line(name + "ToColumns(" + base + ", " + columns + ")");
    }

    /**
     * The method {@link #im2col} calls: each tap's shifted view of each input plane of one example,
     * as a row array of its own.
     */
    MethodSpec toColumns() {
        var code = new Code();
        code.loop("ic", g.c()).line("int ib = base + ic * " + g.plane()).line("int q = ic * " + g.taps());
        for (int t = 0; t < g.taps(); t++) {
            code.line("System.arraycopy(" + pieces.src() + ", " + ConvPieces.plus("ib", g.tapOffset(t)) + ", columns["
                    + ConvPieces.plus("q", t) + "], 0, " + g.wideName() + ")");
        }
        code.close();
        return MethodSpec.methodBuilder(name + "ToColumns").addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "base").addParameter(ArrayTypeName.of(p.arrayType()), "columns")
                .addJavadoc("Copies each tap's shifted view of each input plane of the example at {@code base} into a row\n"
                        + "of {@code columns} of its own, so that the multiply-adds over them index every array alike.\n")
                .addCode(code.build()).build();
    }

    /**
     * {@code target[j] += w0 * r0[j] + w1 * r1[j] + ...}: the column rows of output channel oc
     * times the flipped weights of (oc, ic), for the input gradient. Every array is indexed by j
     * alone, so the loop vectorizes.
     */
    private void multiplyAddFlipped(Code code, String target, String rowsField, String length) {
        String rowType = p.keyword() + "[]";
        code.line("int q = oc * " + g.taps());
        for (int t = 0; t < g.taps(); t++) {
            code.line(rowType + " r" + t + " = " + rowsField + "[" + ConvPieces.plus("q", t) + "]");
        }
        declareWeights(code, true);
        addProducts(code, target, length);
    }

    /** {@code w0, w1, ...}: the kernel of (oc, ic), flipped for the input gradient. */
    private void declareWeights(Code code, boolean flipped) {
        code.line("int wb = (oc * " + g.c() + " + ic) * " + g.taps());
        for (int t = 0; t < g.taps(); t++) {
            code.line(p.keyword() + " w" + t + " = " + weight + "[" + ConvPieces.plus("wb", flipped ? g.taps() - 1 - t : t) + "]");
        }
    }

    /**
     * Taps one loop adds up: C2 vectorizes a loop only while its body is small, and nine (a 3x3
     * kernel) fit; a 5x5 kernel's 25 in one loop ran as scalar code, about five times slower.
     */
    static final int TAPS_PER_LOOP = 9;

    /** Whether a layer's tap sums take more than one loop, and so a row of partial sums. */
    static boolean splitsTaps(ConvGeometry g) {
        return g.taps() > TAPS_PER_LOOP;
    }

    /**
     * {@code target[j] += w0 * r0[j] + w1 * r1[j] + ...} over {@code length} values. More taps
     * than one loop takes go in passes through the row {@code Partial}, each adding its taps to
     * the sum so far: {@code target[j] += partial[j] + w18 * r18[j] + ...} adds the same terms
     * in the same order as one loop would, so the result is the same bits.
     */
    private void addProducts(Code code, String target, String length) {
        addProducts(code, target, length, null, false);
    }

    /**
     * {@link #addProducts(Code, String, String)}, or with {@code start} not null, {@code
     * target[j] = start + (w0 * r0[j] + ...)}: the sum starting from {@code start} rather than
     * from what target held, the same bits as target filled with start and then added to. With
     * {@code activate}, the step's activation of that sum.
     */
    private void addProducts(Code code, String target, String length, String start, boolean activate) {
        int taps = g.taps();
        String partial = name + "Partial";
        int t = 0;
        if (splitsTaps(g)) {
            code.loop("j", length).line(partial + "[j] = " + products(0, TAPS_PER_LOOP)).close();
            t = TAPS_PER_LOOP;
            for (; taps - t > TAPS_PER_LOOP; t += TAPS_PER_LOOP) {
                code.loop("j", length).line(partial + "[j] = " + partial + "[j] + " + products(t, t + TAPS_PER_LOOP)).close();
            }
        }
        String terms = (t > 0 ? partial + "[j] + " : "") + products(t, taps);
        if (start == null) {
            code.loop("j", length).line(target + "[j] += " + terms).close();
            return;
        }
        String sum = start + " + (" + terms + ")";
        code.loop("j", length).line(target + "[j] = " + (activate ? Activations.activate(p, step, sum) : sum)).close();
    }

    /** {@code wF * rF[j] + ... + wT-1 * rT-1[j]}: taps from..to-1, in order. */
    private static String products(int from, int to) {
        var sum = new StringBuilder();
        for (int t = from; t < to; t++) {
            sum.append(t == from ? "" : " + ").append("w").append(t).append(" * r").append(t).append("[j]");
        }
        return sum.toString();
    }

    /**
     * Forward pass over tap columns, after the padding copy. Input planes are the outer loop: one
     * plane's tap rows stay in cache while every output plane adds them to its own row of sums
     * (all planes' tap rows at once may not fit), and each output plane still adds up the input
     * planes in order, after its bias.
     */
    void forward(Code code, String out) {
        int examples = examplesPerPass(g, ctx.training());
        if (examples > 1) {
            forwardExamples(code, out, examples);
            return;
        }
        String rowType = p.keyword() + "[]";
        String planes = name + "Planes";
        String columns = name + "Columns";
        String length = g.wideName();
        code.loop("n", "batch")
                .line("int srcBase = n * " + g.srcSize())
                .line("int outBase = n * " + g.outSize());
        fillWithBias(code);
        code.loop("ic", g.c()).line("int ib = srcBase + ic * " + g.plane());
        for (int t = 0; t < g.taps(); t++) {
            code.line("System.arraycopy(" + pieces.src() + ", " + ConvPieces.plus("ib", g.tapOffset(t)) + ", " + columns
                    + "[" + t + "], 0, " + length + ")");
        }
        multiplyAdd(code, length);
        code.close(); // ic
        code.loop("oc", g.k()).line(rowType + " plane = " + planes + "[oc]");
        if (step.fusedPool().isPresent()) {
            if (!activatesInSums()) {
                pieces.activatePlane(code, "plane", length);
            }
            pieces.poolWindows(code, "plane", out, "outBase", "");
        } else {
            code.line("int o = outBase + oc * " + (g.oh() * g.ow()))
                    .loop("oy", g.oh())
                    .line("System.arraycopy(plane, oy * " + g.pw() + ", " + out + ", o + oy * " + g.ow() + ", " + g.ow() + ")")
                    .close();
            Activations.activateRange(code, p, step, out, "o", g.oh() * g.ow());
        }
        code.close().close();
    }

    /**
     * Wide rows shorter than this are filled with several examples side by side (at most
     * {@value #MAX_EXAMPLES}) in an inference forward pass: a loop over 141 values (the lab
     * network's second convolution) spends much of its time outside its vectorized body, and
     * four examples' 564 made the embedded class 15% faster on the test set; two were 6%, eight
     * 12%, and the first convolution's 726 values were slower side by side. Training keeps one
     * example a pass: its column rows would grow with every input plane's taps.
     */
    static final int SHORT_ROW = 512;
    static final int MAX_EXAMPLES = 4;

    /** Examples side by side in the column rows of an inference forward pass; training keeps one. */
    static int examplesPerPass(ConvGeometry g, boolean training) {
        return training ? 1 : Math.min(MAX_EXAMPLES, (SHORT_ROW + g.wideLength() - 1) / g.wideLength());
    }

    /**
     * The forward pass with up to {@code examples} examples side by side in each tap's row and
     * each output plane's: the same sums, element by element, over rows that many times as long.
     */
    private void forwardExamples(Code code, String out, int examples) {
        String rowType = p.keyword() + "[]";
        String planes = name + "Planes";
        String columns = name + "Columns";
        String wide = g.wideName();
        code.open("for (int n = 0; n < batch; n += " + examples + ")")
                .line("int count = Math.min(" + examples + ", batch - n)")
                .line("int srcBase = n * " + g.srcSize())
                .line("int outBase = n * " + g.outSize());
        fillWithBias(code);
        code.loop("ic", g.c())
                .loop("e", "count")
                .line("int ib = srcBase + e * " + g.srcSize() + " + ic * " + g.plane())
                .line("int d = e * " + wide);
        for (int t = 0; t < g.taps(); t++) {
            code.line("System.arraycopy(" + pieces.src() + ", " + ConvPieces.plus("ib", g.tapOffset(t)) + ", " + columns
                    + "[" + t + "], d, " + wide + ")");
        }
        code.close(); // e
        multiplyAdd(code, "count * " + wide);
        code.close(); // ic
        code.loop("oc", g.k()).line(rowType + " plane = " + planes + "[oc]");
        if (step.fusedPool().isPresent()) {
            if (!activatesInSums()) {
                pieces.activatePlane(code, "plane", "count * " + wide);
            }
            code.loop("e", "count");
            pieces.poolWindows(code, "plane", out, "outBase + e * " + g.outSize(), "e * " + wide + " + ");
            code.close();
        } else {
            code.loop("e", "count")
                    .line("int o = outBase + e * " + g.outSize() + " + oc * " + (g.oh() * g.ow()))
                    .loop("oy", g.oh())
                    .line("System.arraycopy(plane, e * " + wide + " + oy * " + g.pw() + ", " + out + ", o + oy * " + g.ow() + ", "
                            + g.ow() + ")")
                    .close();
            Activations.activateRange(code, p, step, out, "o", g.oh() * g.ow());
            code.close();
        }
        code.close().close();
    }

    /** Each output plane adds the current input plane's tap rows times its kernel, over {@code length} values. */
    private void multiplyAdd(Code code, String length) {
        String rowType = p.keyword() + "[]";
        for (int t = 0; t < g.taps(); t++) {
            code.line(rowType + " r" + t + " = " + name + "Columns[" + t + "]");
        }
        code.loop("oc", g.k());
        declareWeights(code, false);
        code.line(rowType + " sum = " + name + "Planes[oc]");
        if (g.c() == 1) {
            // a local: C2 would reload an array element inside the loop (sum might be that array)
            code.line(p.keyword() + " b = " + bias + "[oc]");
            addProducts(code, "sum", length, "b", activatesInSums());
        } else {
            addProducts(code, "sum", length);
        }
        code.close();
    }

    /**
     * Each output plane's row of sums set to its bias, before the input planes add to it; a
     * layer of one input plane (the first of a grayscale network) starts its one loop of
     * multiply-adds from the bias instead, which saves a pass over every output plane.
     */
    private void fillWithBias(Code code) {
        if (g.c() > 1) {
            code.loop("oc", g.k()).line("java.util.Arrays.fill(" + name + "Planes[oc], " + bias + "[oc])").close();
        }
    }

    /**
     * Whether the multiply-add loop applies the activation itself: for a fused pool's planes (an
     * inference class) of a layer with one input plane, whose one loop gives each sum its final
     * value, which saves a pass over every output plane before pooling.
     */
    private boolean activatesInSums() {
        return g.c() == 1 && step.fusedPool().isPresent();
    }

    /**
     * Weight gradient in per-lane sums: lane j of the row for weight (oc, ic, tap) adds up
     * gradient times column over the batch, one short vectorized loop per tap (a dot product
     * would be a scalar chain of adds); the lanes are added up once per batch.
     */
    MethodSpec backwardWeights() {
        var code = new Code();
        String rowType = p.keyword() + "[]";
        String lanes = name + "WeightLanes";
        String gw = name + "GradWide";
        String gw2 = name + "GradWide2";
        String columns2 = name + "Columns2";
        String gradOut = step.outGrad().name();
        String length = g.wideName();
        String biasLanes = name + "BiasLanes";
        code.loop("r", g.k() * g.c() * g.taps()).line("java.util.Arrays.fill(" + lanes + "[r], " + p.literal(0) + ")").close();
        code.loop("r", g.k()).line("java.util.Arrays.fill(" + biasLanes + "[r], " + p.literal(0) + ")").close();
        code.comment("two examples at a time: each lane row is read and written once per pair");
        code.open("for (int n = 0; n < batch; n += 2)")
                .line("boolean pair = n + 1 < batch")
                .line("int srcBase = n * " + g.srcSize())
                .line("int outBase = n * " + g.outSize());
        im2col(code, name + "Columns", "srcBase");
        code.open("if (pair)").line("int srcBase2 = srcBase + " + g.srcSize());
        im2col(code, columns2, "srcBase2");
        code.close().open("else")
                .comment("no second example: zeros, so stale values (even NaN) cannot leak in")
                .loop("r", g.c() * g.taps()).line("java.util.Arrays.fill(" + columns2 + "[r], " + p.literal(0) + ")").close()
                .line("java.util.Arrays.fill(" + gw2 + ", " + p.literal(0) + ")")
                .close();
        code.loop("oc", g.k())
                .line("int o = outBase + oc * " + (g.oh() * g.ow()))
                .loop("oy", g.oh())
                .line("System.arraycopy(" + gradOut + ", o + oy * " + g.ow() + ", " + gw + ", oy * " + g.pw() + ", " + g.ow() + ")")
                .close()
                .open("if (pair)")
                .loop("oy", g.oh())
                .line("System.arraycopy(" + gradOut + ", o + " + g.outSize() + " + oy * " + g.ow() + ", " + gw2 + ", oy * " + g.pw() + ", " + g.ow() + ")")
                .close()
                .close()
                .line(rowType + " bl = " + biasLanes + "[oc]")
                .loop("j", length).line("bl[j] += " + gw + "[j] + " + gw2 + "[j]").close()
                .loop("ic", g.c())
                .line("int q = ic * " + g.taps())
                .line("int lane = (oc * " + g.c() + " + ic) * " + g.taps());
        for (int t = 0; t < g.taps(); t++) {
            String q = ConvPieces.plus("q", t);
            code.line(SharedMethods.ADD_PRODUCTS + "(" + lanes + "[" + ConvPieces.plus("lane", t) + "], " + gw + ", " + name
                    + "Columns[" + q + "], " + gw2 + ", " + columns2 + "[" + q + "], " + length + ")");
        }
        code.close().close().close();
        code.loop("r", g.k() * g.c() * g.taps())
                .line(weight + "Grad[r] += " + SharedMethods.SUM_LANES + "(" + lanes + "[r], " + length + ")").close();
        code.loop("r", g.k())
                .line(bias + "Grad[r] += " + SharedMethods.SUM_LANES + "(" + biasLanes + "[r], " + length + ")").close();
        return ctx.method("BackwardWeights", "Accumulates the weight gradient in per-lane sums over the batch, two examples at a time, then adds the lanes up.", code.build());
    }

    /**
     * Input gradient as a forward convolution: the output gradient, zero-padded by the kernel
     * size less one, correlated with the flipped kernel, over tap columns like the forward pass,
     * so its loops vectorize too.
     */
    MethodSpec backwardInput() {
        var code = new Code();
        String gp = name + "GradPadded";
        String gcols = name + "GradColumns";
        String dwide = name + "InputGradWide";
        String dsrc = g.padded() ? name + "PaddedGrad" : step.inGrad().name();
        int gpw = g.gradPaddedWidth();
        int plane = g.gradPlane();
        String length = g.gradWideName();
        code.loop("n", "batch")
                .line("int dBase = " + (g.padded() ? "0" : "n * " + g.srcSize()))
                .line("int outBase = n * " + g.outSize());
        code.comment("the output gradient inside a zero border of the kernel size less one");
        code.loop("oc", g.k()).line("int o = outBase + oc * " + (g.oh() * g.ow())).loop("oy", g.oh())
                .line("System.arraycopy(" + step.outGrad().name() + ", o + oy * " + g.ow() + ", " + gp + ", oc * " + plane
                        + " + (oy + " + (g.kh() - 1) + ") * " + gpw + " + " + (g.kw() - 1) + ", " + g.ow() + ")")
                .close().close();
        code.loop("oc", g.k()).line("int gb = oc * " + plane).line("int q = oc * " + g.taps());
        for (int t = 0; t < g.taps(); t++) {
            code.line("System.arraycopy(" + gp + ", " + ConvPieces.plus("gb", (t / g.kw()) * gpw + t % g.kw()) + ", " + gcols + "["
                    + ConvPieces.plus("q", t) + "], 0, " + length + ")");
        }
        code.close();
        code.loop("ic", g.c())
                .line("java.util.Arrays.fill(" + dwide + ", " + p.literal(0) + ")")
                .loop("oc", g.k());
        multiplyAddFlipped(code, dwide, gcols, length);
        code.close(); // oc
        code.line("int ib = dBase + ic * " + (g.ph() * g.pw()))
                .loop("y", g.ph())
                .line("System.arraycopy(" + dwide + ", y * " + gpw + ", " + dsrc + ", ib + y * " + g.pw() + ", " + g.pw() + ")")
                .close();
        code.close(); // ic
        pieces.cropPadding(code, dsrc);
        code.close();
        return ctx.method("BackwardInput", "Computes the gradient of the layer's input: the zero-bordered output gradient correlated with the flipped kernel, over tap columns.", code.build());
    }
}
