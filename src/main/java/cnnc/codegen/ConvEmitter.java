package cnnc.codegen;

import cnnc.plan.Step;
import cnnc.plan.ReluFold;
import cnnc.model.Layer;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution, in one of three shapes of code, fastest first:
 *
 * <ul>
 *   <li>Tap columns (stride 1, at most {@value #MAX_UNROLLED_TAPS} taps, buffers within
 *       {@code COLUMNS_LIMIT}): each tap's shifted view of each input plane is copied into a row
 *       array of its own, so the unrolled multiply-adds index every array alike and C2
 *       vectorizes them. The input gradient is the same kind of loop over the zero-bordered output
 *       gradient with the flipped kernel; the weight and bias gradients sum in per-lane rows.
 *   <li>Wide rows (stride 1 otherwise): one long loop per plane over the input's width.
 *   <li>Rows and columns (any stride): loops over output rows and columns with the taps
 *       unrolled and their offsets baked in; kernels of more than {@value #MAX_UNROLLED_TAPS}
 *       taps unroll one kernel row and loop over the rows.
 * </ul>
 *
 * <p>Padding copies the input into a zero-bordered buffer once per forward pass, so no loop
 * needs a bounds test.
 */
class ConvEmitter extends LayerEmitter {
    final Layer.Conv conv;
    final int ih, iw, c, oh, ow, k, kh, kw, s;
    /** The input's height and width with its padding. */
    final int ph, pw;
    final boolean padded;
    final String weight, bias;

    ConvEmitter(Step step, Precision p, boolean inference) {
        super(step, p, inference);
        this.conv = (Layer.Conv) step.layer();
        ih = conv.in().height();
        iw = conv.in().width();
        c = conv.in().channels();
        oh = conv.out().height();
        ow = conv.out().width();
        k = conv.filters();
        kh = conv.kernelHeight();
        kw = conv.kernelWidth();
        s = conv.stride();
        ph = ih + conv.padTop() + conv.padBottom();
        pw = iw + conv.padLeft() + conv.padRight();
        padded = conv.padded();
        weight = name + "Weight";
        bias = name + "Bias";
    }

    private int srcSize() {
        return c * ph * pw;
    }

    /** Values per example in the output buffer: the fused pool's output, if any. */
    private int outSize() {
        return step.fusedPool().isPresent() ? step.fusedPool().get().out().size() : k * oh * ow;
    }

    private String src() {
        return padded ? name + "Padded" : step.in().name();
    }

    /**
     * Stride-1 convolutions run over "wide" rows: output row oy, column x is computed for every x
     * of the (padded) input's width, so that output position j = oy * PW + x reads input position
     * j + ky * PW + kx, and the whole plane is one long contiguous loop that C2 vectorizes. The
     * last KW - 1 columns of each wide row are thrown away. {@code wideLength} stops before the
     * last row's waste, so no read passes the input plane.
     */
    private boolean wide() {
        return s == 1;
    }

    private int wideLength() {
        return (oh - 1) * pw + ow;
    }

    /** Floats a columns buffer may hold before a layer falls back to wide rows (16 MB). */
    private static final long COLUMNS_LIMIT = 1L << 22;

    /**
     * Stride-1 convolutions of at most {@value #MAX_UNROLLED_TAPS} taps use columns: each tap's
     * shifted copy of each input plane is copied (System.arraycopy) into a row array of its own,
     * so the multiply-add loops index every array with the same j. C2 in Java 17 vectorizes a
     * loop only then: a stencil such as out[j] += w * in[j + 29] stays scalar, because the
     * arrays might be one and the same.
     */
    private boolean columns() {
        return wide() && kh * kw <= MAX_UNROLLED_TAPS && (long) c * kh * kw * wideLength() <= COLUMNS_LIMIT;
    }

    private int taps2() {
        return kh * kw;
    }

    /** Offset of tap t within a (padded) input plane. */
    private int tapOffset(int t) {
        return (t / kw) * pw + t % kw;
    }


    @Override
    List<FieldSpec> fields() {
        var fields = new ArrayList<FieldSpec>();
        if (padded) {
            fields.add(buffer(name + "Padded"));
        }
        if (wide()) {
            fields.add(buffer(name + "Wide"));
        }
        if (!inference && padded) {
            fields.add(buffer(name + "PaddedGrad"));
        }
        if (!inference && wide()) {
            fields.add(buffer(name + "GradWide"));
        }
        if (columns()) {
            fields.add(rows(name + "Columns"));
        }
        if (!inference && weightLanes()) {
            fields.add(rows(name + "WeightLanes"));
            fields.add(rows(name + "BiasLanes"));
            fields.add(rows(name + "Columns2"));
            fields.add(buffer(name + "GradWide2"));
        }
        if (!inference && gradColumns()) {
            fields.add(buffer(name + "GradPadded"));
            fields.add(rows(name + "GradColumns"));
            fields.add(buffer(name + "InputGradWide"));
        }
        return fields;
    }

    @Override
    List<String> allocations() {
        var lines = new ArrayList<String>();
        String t = p.keyword();
        if (padded) {
            lines.add(name + "Padded = new " + t + "[maxBatch * " + srcSize() + "]");
        }
        if (wide()) {
            lines.add(name + "Wide = new " + t + "[" + wideLength() + "]");
        }
        if (!inference && padded) {
            lines.add(name + "PaddedGrad = new " + t + "[" + srcSize() + "]");
        }
        if (!inference && wide()) {
            // only valid columns are ever written, so the waste columns stay zero
            lines.add(name + "GradWide = new " + t + "[" + wideLength() + "]");
        }
        int length = wideLength();
        if (columns()) {
            lines.add(name + "Columns = new " + t + "[" + c * taps2() + "][" + length + "]");
        }
        if (!inference && weightLanes()) {
            lines.add(name + "WeightLanes = new " + t + "[" + k * c * taps2() + "][" + length + "]");
            lines.add(name + "BiasLanes = new " + t + "[" + k + "][" + length + "]");
            lines.add(name + "Columns2 = new " + t + "[" + c * taps2() + "][" + length + "]");
            // like GradWide, only valid columns are ever written
            lines.add(name + "GradWide2 = new " + t + "[" + length + "]");
        }
        if (!inference && gradColumns()) {
            // only the interior is ever written, so the border stays zero
            lines.add(name + "GradPadded = new " + t + "[" + k * gradPaddedHeight() * gradPaddedWidth() + "]");
            lines.add(name + "GradColumns = new " + t + "[" + k * taps2() + "][" + gradWideLength() + "]");
            lines.add(name + "InputGradWide = new " + t + "[" + gradWideLength() + "]");
        }
        return lines;
    }

    /** The taps one unrolled body covers: all of them, or one kernel row inside a loop over ky. */
    private record Taps(boolean rowLoop, List<int[]> taps) {}

    private Taps taps() {
        var taps = new ArrayList<int[]>(); // {weight index within the group, source offset}
        boolean rowLoop = kh * kw > MAX_UNROLLED_TAPS;
        int rows = rowLoop ? 1 : kh;
        for (int ky = 0; ky < rows; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                taps.add(new int[] {ky * kw + kx, ky * pw + kx});
            }
        }
        return new Taps(rowLoop, taps);
    }

    private static String plus(String base, int offset) {
        return offset == 0 ? base : base + " + " + offset;
    }

    /** Opens the loop over kernel rows when the taps of one row are all that is unrolled. */
    private String openRows(Code code, Taps t, String weightBase) {
        if (t.rowLoop()) {
            code.loop("ky", kh);
            weightBase = weightBase + " + ky * " + kw;
        }
        code.line("int wb = " + weightBase);
        return "wb";
    }

    private String rowOffset(Taps t) {
        return t.rowLoop() ? " + ky * " + pw : "";
    }

    private void closeRows(Code code, Taps t) {
        if (t.rowLoop()) {
            code.close();
        }
    }

    private void loadWeights(Code code, Taps t, String wb) {
        String type = p.keyword();
        for (int[] tap : t.taps()) {
            code.line(type + " w" + tap[0] + " = " + weight + "[" + plus(wb, tap[0]) + "]");
        }
    }

    /** Opens the loops over output rows and columns, defining i (the source index) and ob. */
    private void openPixels(Code code, String ib, Taps t, String outRowBase) {
        code.loop("oy", oh)
                .line("int r = " + ib + " + oy * " + (s * pw) + rowOffset(t))
                .line("int ob = " + outRowBase + " + oy * " + ow)
                .loop("ox", ow)
                .line("int i = r + ox" + (s == 1 ? "" : " * " + s));
    }

    @Override
    MethodSpec forward() {
        Taps t = taps();
        var code = new Code();
        String type = p.keyword();
        String out = step.out().name();
        if (padded) {
            code.comment("copy the input into the zero-bordered buffer (the border is never written)");
            code.loop("n", "batch").loop("ch", c).loop("y", ih)
                    .line("System.arraycopy(" + step.in().name() + ", n * " + (c * ih * iw) + " + ch * " + (ih * iw)
                            + " + y * " + iw + ", " + src() + ", n * " + srcSize() + " + ch * " + (ph * pw)
                            + " + (y + " + conv.padTop() + ") * " + pw + " + " + conv.padLeft() + ", " + iw + ")")
                    .close().close().close();
        }
        if (columns()) {
            columnsForward(code, out);
            return method("Forward", "Forward pass: " + type + " convolution over tap columns, kernel taps unrolled." + fusedPoolNote())
                    .addCode(code.build()).build();
        }
        if (wide()) {
            wideForward(code, t, out);
            return method("Forward", "Forward pass: " + type + " convolution over wide rows, kernel taps unrolled." + fusedPoolNote())
                    .addCode(code.build()).build();
        }
        code.loop("n", "batch")
                .line("int srcBase = n * " + srcSize())
                .line("int outBase = n * " + outSize())
                .loop("oc", k)
                .line("int o = outBase + oc * " + (oh * ow))
                .line("java.util.Arrays.fill(" + out + ", o, o + " + (oh * ow) + ", " + bias + "[oc])")
                .loop("ic", c)
                .line("int ib = srcBase + ic * " + (ph * pw));
        String wb = openRows(code, t, "(oc * " + c + " + ic) * " + (kh * kw));
        loadWeights(code, t, wb);
        openPixels(code, "ib", t, "o");
        var sum = new StringBuilder();
        for (int[] tap : t.taps()) {
            if (sum.length() > 0) {
                sum.append(" + ");
            }
            sum.append("w").append(tap[0]).append(" * ").append(src()).append("[").append(plus("i", tap[1])).append("]");
        }
        code.line(out + "[ob + ox] += " + sum).close().close();
        closeRows(code, t);
        code.close(); // ic
        activateRange(code, step.activation(), out, "o", oh * ow);
        code.close().close();
        return method("Forward", "Forward pass: " + type + " convolution, kernel taps unrolled.")
                .addCode(code.build()).build();
    }

    /** Copies each tap's shift of each input plane of example n into its own column row. */
    private void im2col(Code code) {
        im2col(code, name + "Columns", "srcBase");
    }

    private void im2col(Code code, String columns, String base) {
        code.comment("each tap's shifted view of each input plane, as a row array of its own");
        code.loop("ic", c).line("int ib = " + base + " + ic * " + (ph * pw)).line("int q = ic * " + taps2());
        for (int t = 0; t < taps2(); t++) {
            code.line("System.arraycopy(" + src() + ", " + plus("ib", tapOffset(t)) + ", " + columns + "[" + plus("q", t)
                    + "], 0, " + wideLength() + ")");
        }
        code.close();
    }

    /** Locals c0, c1, ... for the column rows of input channel ic. */
    private void loadColumns(Code code) {
        String rowType = p.keyword() + "[]";
        code.line("int q = ic * " + taps2());
        for (int t = 0; t < taps2(); t++) {
            code.line(rowType + " c" + t + " = " + name + "Columns[" + plus("q", t) + "]");
        }
    }

    /**
     * {@code target[j] += w0 * r0[j] + w1 * r1[j] + ...}: the column rows of block {@code blockVar}
     * (input channel or output channel) times the weights of (oc, ic), flipped for the input
     * gradient. Every array is indexed by j alone, so the loop vectorizes.
     */
    private void multiplyAddColumns(Code code, String target, String rowsField, String blockVar, boolean flipped,
            int length) {
        String rowType = p.keyword() + "[]";
        code.line("int q = " + blockVar + " * " + taps2())
                .line("int wb = (oc * " + c + " + ic) * " + taps2());
        var sum = new StringBuilder();
        for (int t = 0; t < taps2(); t++) {
            code.line(rowType + " r" + t + " = " + rowsField + "[" + plus("q", t) + "]");
            code.line(p.keyword() + " w" + t + " = " + weight + "[" + plus("wb", flipped ? taps2() - 1 - t : t) + "]");
            sum.append(t == 0 ? "" : " + ").append("w").append(t).append(" * r").append(t).append("[j]");
        }
        code.loop("j", length).line(target + "[j] += " + sum).close();
    }

    private void columnsForward(Code code, String out) {
        String wide = name + "Wide";
        int length = wideLength();
        code.loop("n", "batch")
                .line("int srcBase = n * " + srcSize())
                .line("int outBase = n * " + outSize());
        im2col(code);
        code.loop("oc", k)
                .line("java.util.Arrays.fill(" + wide + ", 0, " + length + ", " + bias + "[oc])")
                .loop("ic", c);
        multiplyAddColumns(code, wide, name + "Columns", "ic", false, length);
        code.close(); // ic
        if (step.fusedPool().isPresent()) {
            poolPlane(code, wide, out);
        } else {
            code.line("int o = outBase + oc * " + (oh * ow))
                    .loop("oy", oh)
                    .line("System.arraycopy(" + wide + ", oy * " + pw + ", " + out + ", o + oy * " + ow + ", " + ow + ")")
                    .close();
            activateRange(code, step.activation(), out, "o", oh * ow);
        }
        code.close().close();
    }

    private String fusedPoolNote() {
        Layer.Pool pool = step.fusedPool().orElse(null);
        return pool == null ? "" : " Each plane then goes\nthrough {@code " + pool.source() + "} (line " + pool.span().line()
                + ") while still in cache, down to " + pool.out().text() + ".";
    }

    /**
     * The fused max pool of an inference plan: the ReLU in place over plane oc's wide rows, then
     * each window's maximum straight from them into the pool's output (an integer one, as in
     * {@link PoolEmitter}).
     */
    private void poolPlane(Code code, String wide, String out) {
        Layer.Pool pool = step.fusedPool().orElseThrow();
        int poh = pool.out().height();
        int pow = pool.out().width();
        int s = pool.stride();
        code.loop("j", wideLength()).line(wide + "[j] = " + activate(step.activation(), wide + "[j]")).close();
        code.line("int o = outBase + oc * " + (poh * pow))
                .loop("oy", poh)
                .line("int r = oy * " + (s * pw))
                .loop("ox", pow)
                .line("int i = r + ox" + (s == 1 ? "" : " * " + s));
        PoolEmitter.windowMaxBits(code, pool, p, wide, pw);
        code.line(out + "[o + oy * " + pow + " + ox] = " + PoolEmitter.fromBits(p, "m"))
                .close().close();
    }

    /** Whether the weight gradient's per-lane sums fit: one row of the wide length per weight. */
    private boolean weightLanes() {
        return columns() && (long) k * c * taps2() * wideLength() <= COLUMNS_LIMIT;
    }

    /**
     * Weight gradient in per-lane sums: lane j of the row for weight (oc, ic, tap) adds up
     * gradient times column over the batch, one short vectorized loop per tap (a dot product
     * would be a scalar chain of adds); the lanes are added up once per batch.
     */
    private MethodSpec columnsBackwardWeights() {
        var code = new Code();
        String rowType = p.keyword() + "[]";
        String lanes = name + "WeightLanes";
        String gw = name + "GradWide";
        String gw2 = name + "GradWide2";
        String columns2 = name + "Columns2";
        String g = step.outGrad().name();
        int length = wideLength();
        String biasLanes = name + "BiasLanes";
        code.loop("r", k * c * taps2()).line("java.util.Arrays.fill(" + lanes + "[r], " + p.literal(0) + ")").close();
        code.loop("r", k).line("java.util.Arrays.fill(" + biasLanes + "[r], " + p.literal(0) + ")").close();
        code.comment("two examples at a time: each lane row is read and written once per pair");
        code.open("for (int n = 0; n < batch; n += 2)")
                .line("boolean pair = n + 1 < batch")
                .line("int srcBase = n * " + srcSize())
                .line("int outBase = n * " + outSize());
        im2col(code);
        code.open("if (pair)").line("int srcBase2 = srcBase + " + srcSize());
        im2col(code, columns2, "srcBase2");
        code.close().open("else")
                .comment("no second example: zeros, so stale values (even NaN) cannot leak in")
                .loop("r", c * taps2()).line("java.util.Arrays.fill(" + columns2 + "[r], " + p.literal(0) + ")").close()
                .line("java.util.Arrays.fill(" + gw2 + ", " + p.literal(0) + ")")
                .close();
        code.loop("oc", k)
                .line("int o = outBase + oc * " + (oh * ow))
                .loop("oy", oh)
                .line("System.arraycopy(" + g + ", o + oy * " + ow + ", " + gw + ", oy * " + pw + ", " + ow + ")")
                .close()
                .open("if (pair)")
                .loop("oy", oh)
                .line("System.arraycopy(" + g + ", o + " + outSize() + " + oy * " + ow + ", " + gw2 + ", oy * " + pw + ", " + ow + ")")
                .close()
                .close()
                .line(rowType + " bl = " + biasLanes + "[oc]")
                .loop("j", length).line("bl[j] += " + gw + "[j] + " + gw2 + "[j]").close()
                .loop("ic", c);
        loadColumns(code);
        for (int t = 0; t < taps2(); t++) {
            code.line(rowType + " e" + t + " = " + columns2 + "[" + plus("q", t) + "]");
        }
        code.line("int lane = (oc * " + c + " + ic) * " + taps2());
        for (int t = 0; t < taps2(); t++) {
            code.line(rowType + " a" + t + " = " + lanes + "[" + plus("lane", t) + "]");
            code.loop("j", length).line("a" + t + "[j] += " + gw + "[j] * c" + t + "[j] + " + gw2 + "[j] * e" + t + "[j]").close();
        }
        code.close().close().close();
        code.loop("r", k * c * taps2()).line(rowType + " row = " + lanes + "[r]");
        partialSums(code, "sum", p.literal(0), length, q -> "row[" + q + "]");
        code.line(weight + "Grad[r] += sum").close();
        code.loop("r", k).line(rowType + " row = " + biasLanes + "[r]");
        partialSums(code, "sum", p.literal(0), length, q -> "row[" + q + "]");
        code.line(bias + "Grad[r] += sum").close();
        return method("BackwardWeights", "Accumulates the weight gradient in per-lane sums over the batch, two examples at a time, then adds the lanes up.")
                .addCode(code.build()).build();
    }

    /** Width and height of the output gradient padded by the kernel size less one on every side. */
    private int gradPaddedWidth() {
        return pw + kw - 1;
    }

    private int gradPaddedHeight() {
        return ph + kh - 1;
    }

    /** Wide length of the input gradient plane computed over the padded gradient's rows. */
    private int gradWideLength() {
        return (ph - 1) * gradPaddedWidth() + pw;
    }

    private boolean gradColumns() {
        return columns() && (long) k * taps2() * gradWideLength() <= COLUMNS_LIMIT;
    }

    /**
     * Input gradient as a forward convolution: the output gradient, zero-padded by the kernel
     * size less one, correlated with the flipped kernel, over tap columns like the forward pass,
     * so its loops vectorize too.
     */
    private MethodSpec columnsBackwardInput() {
        var code = new Code();
        String gp = name + "GradPadded";
        String gcols = name + "GradColumns";
        String dwide = name + "InputGradWide";
        String dsrc = padded ? name + "PaddedGrad" : step.inGrad().name();
        int gpw = gradPaddedWidth();
        int plane = gradPaddedHeight() * gpw;
        int length = gradWideLength();
        code.loop("n", "batch")
                .line("int dBase = " + (padded ? "0" : "n * " + srcSize()))
                .line("int outBase = n * " + outSize());
        code.comment("the output gradient inside a zero border of the kernel size less one");
        code.loop("oc", k).line("int o = outBase + oc * " + (oh * ow)).loop("oy", oh)
                .line("System.arraycopy(" + step.outGrad().name() + ", o + oy * " + ow + ", " + gp + ", oc * " + plane
                        + " + (oy + " + (kh - 1) + ") * " + gpw + " + " + (kw - 1) + ", " + ow + ")")
                .close().close();
        code.loop("oc", k).line("int gb = oc * " + plane).line("int q = oc * " + taps2());
        for (int t = 0; t < taps2(); t++) {
            code.line("System.arraycopy(" + gp + ", " + plus("gb", (t / kw) * gpw + t % kw) + ", " + gcols + "["
                    + plus("q", t) + "], 0, " + length + ")");
        }
        code.close();
        code.loop("ic", c)
                .line("java.util.Arrays.fill(" + dwide + ", " + p.literal(0) + ")")
                .loop("oc", k);
        multiplyAddColumns(code, dwide, gcols, "oc", true, length);
        code.close(); // oc
        code.line("int ib = dBase + ic * " + (ph * pw))
                .loop("y", ph)
                .line("System.arraycopy(" + dwide + ", y * " + gpw + ", " + dsrc + ", ib + y * " + pw + ", " + pw + ")")
                .close();
        code.close(); // ic
        cropPadding(code, dsrc);
        code.close();
        return method("BackwardInput", "Computes the gradient of the layer's input: the zero-bordered output gradient correlated with the flipped kernel, over tap columns.")
                .addCode(code.build()).build();
    }

    private void wideForward(Code code, Taps t, String out) {
        String wide = name + "Wide";
        int length = wideLength();
        code.loop("n", "batch")
                .line("int srcBase = n * " + srcSize())
                .line("int outBase = n * " + outSize())
                .loop("oc", k)
                .line("java.util.Arrays.fill(" + wide + ", 0, " + length + ", " + bias + "[oc])")
                .loop("ic", c)
                .line("int ib = srcBase + ic * " + (ph * pw));
        String wb = openRows(code, t, "(oc * " + c + " + ic) * " + (kh * kw));
        loadWeights(code, t, wb);
        String row = t.rowLoop() ? "ib + ky * " + pw : "ib";
        code.line("int r = " + row);
        var sum = new StringBuilder();
        for (int[] tap : t.taps()) {
            sum.append(sum.length() == 0 ? "" : " + ").append("w").append(tap[0]).append(" * ").append(src())
                    .append("[").append(plus("r + j", tap[1])).append("]");
        }
        code.loop("j", length).line(wide + "[j] += " + sum).close();
        closeRows(code, t);
        code.close(); // ic
        if (step.fusedPool().isPresent()) {
            poolPlane(code, wide, out);
        } else {
            code.comment("keep the valid columns of each wide row");
            code.line("int o = outBase + oc * " + (oh * ow))
                    .loop("oy", oh)
                    .loop("ox", ow)
                    .line(out + "[o + oy * " + ow + " + ox] = " + activate(step.activation(), wide + "[oy * " + pw + " + ox]"))
                    .close().close();
        }
        code.close().close();
    }

    /** Input gradient for stride 1: per tap, one long axpy of the wide output gradient. */
    private MethodSpec wideBackwardInput() {
        Taps t = taps();
        var code = new Code();
        String g = step.outGrad().name();
        String gw = name + "GradWide";
        String dsrc = padded ? name + "PaddedGrad" : step.inGrad().name();
        int length = wideLength();
        code.loop("n", "batch")
                .line("int dBase = " + (padded ? "0" : "n * " + srcSize()))
                .line("int outBase = n * " + outSize())
                .line("java.util.Arrays.fill(" + dsrc + ", dBase, dBase + " + srcSize() + ", " + p.literal(0) + ")")
                .loop("oc", k)
                .line("int o = outBase + oc * " + (oh * ow))
                .loop("oy", oh)
                .line("System.arraycopy(" + g + ", o + oy * " + ow + ", " + gw + ", oy * " + pw + ", " + ow + ")")
                .close()
                .loop("ic", c)
                .line("int ib = dBase + ic * " + (ph * pw));
        String wb = openRows(code, t, "(oc * " + c + " + ic) * " + (kh * kw));
        String row = t.rowLoop() ? "ib + ky * " + pw : "ib";
        code.line("int r = " + row);
        for (int[] tap : t.taps()) {
            code.line(p.keyword() + " w" + tap[0] + " = " + weight + "[" + plus(wb, tap[0]) + "]");
            code.loop("j", length).line(dsrc + "[" + plus("r + j", tap[1]) + "] += w" + tap[0] + " * " + gw + "[j]").close();
        }
        closeRows(code, t);
        code.close().close();
        cropPadding(code, dsrc);
        code.close();
        return method("BackwardInput", "Computes the gradient of the layer's input: for each kernel tap, the wide output gradient times that weight, added at the tap's offset.")
                .addCode(code.build()).build();
    }

    /** Copies the interior of the padded gradient into the layer's input gradient (inside the loop over n). */
    private void cropPadding(Code code, String dsrc) {
        if (!padded) {
            return;
        }
        code.comment("drop the border: only the interior is the layer's input");
        code.loop("ch", c).loop("y", ih)
                .line("System.arraycopy(" + dsrc + ", ch * " + (ph * pw) + " + (y + " + conv.padTop() + ") * " + pw
                        + " + " + conv.padLeft() + ", " + step.inGrad().name() + ", n * " + (c * ih * iw)
                        + " + ch * " + (ih * iw) + " + y * " + iw + ", " + iw + ")")
                .close().close();
    }

    @Override
    MethodSpec backward() {
        var code = new Code();
        if (backwardBiasHasWork()) {
            code.line(name + "BackwardBias(batch)");
        }
        code.line(name + "BackwardWeights(batch)");
        callInputBackward(code);
        return method("Backward", "Backward pass: gradients of the bias, the weights and the input.")
                .addCode(code.build()).build();
    }

    @Override
    List<MethodSpec> helpers() {
        MethodSpec input = gradColumns() ? columnsBackwardInput() : wide() ? wideBackwardInput() : backwardInput();
        var methods = new ArrayList<MethodSpec>();
        if (backwardBiasHasWork()) {
            methods.add(backwardBias());
        }
        methods.add(weightLanes() ? columnsBackwardWeights() : backwardWeights());
        methods.add(input);
        return methods;
    }

    /** Whether the bias gradient is summed in the weight gradient's pass rather than on its own. */
    boolean biasSummedWithWeights() {
        return weightLanes();
    }

    /**
     * Whether BackwardBias has anything to do: sum the bias gradient, or apply a derivative that
     * is not linear and that no later max pool already applied.
     */
    boolean backwardBiasHasWork() {
        return !biasSummedWithWeights()
                || (step.activation() != cnnc.ast.Activation.LINEAR && step.reluFold() != ReluFold.DERIVATIVE_IN_NEXT_POOL);
    }

    MethodSpec backwardBias() {
        var code = new Code();
        String g = step.outGrad().name();
        deriveRange(code, step.activation(), g, step.out().name(), "batch * " + outSize());
        if (biasSummedWithWeights()) {
            return method("BackwardBias", "Applies the activation's derivative to the output gradient (the bias gradient is summed with the weights').")
                    .addCode(code.build()).build();
        }
        code.loop("n", "batch").loop("oc", k)
                .line("int o = n * " + outSize() + " + oc * " + (oh * ow));
        partialSums(code, "sum", p.literal(0), oh * ow, q -> g + "[o + " + q + "]");
        code.line(bias + "Grad[oc] += sum")
                .close().close();
        return method("BackwardBias", "Applies the activation's derivative to the output gradient and sums the bias gradient.")
                .addCode(code.build()).build();
    }

    private MethodSpec backwardWeights() {
        Taps t = taps();
        var code = new Code();
        String g = step.outGrad().name();
        String zero = p.literal(0);
        code.loop("n", "batch")
                .line("int srcBase = n * " + srcSize())
                .line("int outBase = n * " + outSize())
                .loop("oc", k)
                .line("int o = outBase + oc * " + (oh * ow))
                .loop("ic", c)
                .line("int ib = srcBase + ic * " + (ph * pw));
        String wb = openRows(code, t, "(oc * " + c + " + ic) * " + (kh * kw));
        for (int[] tap : t.taps()) {
            code.line(p.keyword() + " a" + tap[0] + " = " + zero);
        }
        openPixels(code, "ib", t, "o");
        code.line(p.keyword() + " d = " + g + "[ob + ox]");
        for (int[] tap : t.taps()) {
            code.line("a" + tap[0] + " += d * " + src() + "[" + plus("i", tap[1]) + "]");
        }
        code.close().close();
        for (int[] tap : t.taps()) {
            code.line(weight + "Grad[" + plus(wb, tap[0]) + "] += a" + tap[0]);
        }
        closeRows(code, t);
        code.close().close().close();
        return method("BackwardWeights", "Accumulates the weight gradient, one accumulator per unrolled tap.")
                .addCode(code.build()).build();
    }

    private MethodSpec backwardInput() {
        Taps t = taps();
        var code = new Code();
        String g = step.outGrad().name();
        String dsrc = padded ? name + "PaddedGrad" : step.inGrad().name();
        code.loop("n", "batch")
                .line("int dBase = " + (padded ? "0" : "n * " + srcSize()))
                .line("int outBase = n * " + outSize())
                .line("java.util.Arrays.fill(" + dsrc + ", dBase, dBase + " + srcSize() + ", " + p.literal(0) + ")")
                .loop("oc", k)
                .line("int o = outBase + oc * " + (oh * ow))
                .loop("ic", c)
                .line("int ib = dBase + ic * " + (ph * pw));
        String wb = openRows(code, t, "(oc * " + c + " + ic) * " + (kh * kw));
        loadWeights(code, t, wb);
        openPixels(code, "ib", t, "o");
        code.line(p.keyword() + " d = " + g + "[ob + ox]");
        for (int[] tap : t.taps()) {
            code.line(dsrc + "[" + plus("i", tap[1]) + "] += w" + tap[0] + " * d");
        }
        code.close().close();
        closeRows(code, t);
        code.close().close();
        cropPadding(code, dsrc);
        code.close();
        return method("BackwardInput", "Computes the gradient of the layer's input, scattering each output gradient over its taps.")
                .addCode(code.build()).build();
    }
}
