package cnnc.codegen.pool;

import cnnc.ast.PoolKind;
import cnnc.codegen.Backend;
import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.codegen.VectorTypes;
import cnnc.model.Layer;
import cnnc.plan.ReluFold;
import cnnc.plan.Step;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * 2x2 max pooling with stride 2 for the {@link Backend#VECTOR} backend. A scalar window reads
 * every other element, which C2 cannot vectorize, and was a third of a training step. Here two
 * vectors of each input row give one vector of outputs: a vertical max of the two rows, then
 * the even and odd lanes pulled apart by a shuffle and maxed. The backward pass spreads each
 * window's maximum and gradient over its two columns and compares the input rows with them as
 * they lie: a lane takes the gradient if it equals the maximum and no earlier element of its
 * window does (its pair partner, one more shuffle away, or the top row's two). Equal here is a
 * float compare, where the scalar pooling compares bits: in a window whose maximum is 0 with a
 * -0.0 before it, this one passes the gradient to the -0.0. After a ReLU there is no -0.0, and a
 * maximum of 0 passes no gradient anyway.
 *
 * <p>Vectors run past the end of a row: the extra lanes read neighbouring values and write into
 * the next row, which a later step writes again. The backward pass walks each row's vectors from
 * the last one, so the first vector of the second input row, written last, repairs what the
 * first row's partial vector spilled into it. Every buffer the layer touches ends in two vectors
 * of slack, so the last row may run over too.
 */
public final class VectorPoolOp implements LayerOp {
    private final OpContext ctx;
    private final Step step;
    private final Precision p;
    private final PoolGeometry g;
    /** For windows that do not tile the input, whose backward pass stays scalar. */
    private final PoolOp scalar;
    private final String vt;

    public VectorPoolOp(OpContext ctx, PoolGeometry geometry) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.g = geometry;
        this.scalar = new PoolOp(ctx, geometry);
        vt = VectorTypes.vectorClass(p);
    }

    /** 2x2 max pooling with stride 2; anything else keeps the scalar op. */
    public static boolean supports(Layer.Pool pool) {
        return pool.kind() == PoolKind.MAX && pool.windowHeight() == 2 && pool.windowWidth() == 2 && pool.stride() == 2;
    }

    @Override
    public List<MethodSpec> methods() {
        return ctx.forwardAndBackward(this::forward, this::backward);
    }

    @Override
    public boolean usesLaneShuffles() {
        return true;
    }

    @Override
    public List<String> buffersReadPastEnd() {
        return !ctx.training() ? List.of(step.in().name(), step.out().name())
                : List.of(step.in().name(), step.out().name(), step.inGrad().name(), step.outGrad().name());
    }

    private String load(String array, String index) {
        return vt + ".fromArray(SPECIES, " + array + ", " + index + ")";
    }

    /** The even lanes of a then b, as one vector. */
    private static String even(String a, String b) {
        return a + ".rearrange(EVEN).blend(" + b + ".rearrange(EVEN), UPPER_HALF)";
    }

    private static String odd(String a, String b) {
        return a + ".rearrange(ODD).blend(" + b + ".rearrange(ODD), UPPER_HALF)";
    }

    /** Opens loops over examples, channels and output rows; defines r (top input row) and q (output row). */
    private void openRows(Code code) {
        code.loop("n", "batch").loop("ch", g.c())
                .line("int ib = n * " + g.inSize() + " + ch * " + (g.ih() * g.iw()))
                .line("int ob = n * " + g.outSize() + " + ch * " + (g.oh() * g.ow()))
                .loop("oy", g.oh())
                .line("int r = ib + oy * " + 2 * g.iw())
                .line("int q = ob + oy * " + g.ow());
    }

    private MethodSpec forward() {
        var code = new Code();
        String in = step.in().name();
        code.line("int V = SPECIES.length()");
        openRows(code);
        code.open("for (int x = 0; x < " + g.ow() + "; x += V)")
                .line("int i = r + 2 * x")
                .line(vt + " a = " + load(in, "i") + ".max(" + load(in, "i + " + g.iw()) + ")")
                .line(vt + " b = " + load(in, "i + V") + ".max(" + load(in, "i + " + g.iw() + " + V") + ")")
                .line(even("a", "b") + ".max(" + odd("a", "b") + ").intoArray(" + step.out().name() + ", q + x)")
                .close();
        code.close().close().close();
        return ctx.method("Forward", "Forward pass: 2x2 max pooling with the Vector API, a vector of outputs per step.",
                code.build());
    }

    private MethodSpec backward() {
        if (!g.tiles()) {
            return scalar.backward();
        }
        var code = new Code();
        String in = step.in().name();
        String dIn = step.inGrad().name();
        String mask = "jdk.incubator.vector.VectorMask<" + (p == Precision.FLOAT ? "Float" : "Double") + ">";
        ctx.skipUnlessInputGradientWanted(code);
        code.line("int V = SPECIES.length()")
                .line(vt + " zero = " + vt + ".zero(SPECIES)");
        openRows(code);
        code.open("for (int x = " + (g.ow() - 1) + " / V * V; x >= 0; x -= V)")
                .line("int i = r + 2 * x")
                .line(vt + " m = " + load(step.out().name(), "q + x"))
                .line(vt + " d = " + load(step.outGrad().name(), "q + x"));
        if (step.reluFold() == ReluFold.INPUT_FROM_RELU_CONV) {
            code.comment("the ReLU's derivative: zero where the maximum is 0");
            code.line("d = zero.blend(d, m.compare(jdk.incubator.vector.VectorOperators.GT, " + p.literal(0) + "))");
        }
        code.comment("each window's maximum and gradient over its two columns, as the input rows lie")
                .line(vt + " m0 = m.rearrange(SPREAD_LOW), m1 = m.rearrange(SPREAD_HIGH)")
                .line(vt + " d0 = d.rearrange(SPREAD_LOW), d1 = d.rearrange(SPREAD_HIGH)");
        code.comment("the first element equal to the maximum, in the window's row-major order: in the top row the")
                .comment("left one, or the right one if the left is not; in the bottom row likewise, if neither top one is");
        for (int half = 0; half < 2; half++) {
            String at = half == 0 ? "i" : "i + V";
            String m = "m" + half;
            code.line(vt + " a" + half + " = " + load(in, at) + ", b" + half + " = " + load(in, at + " + " + g.iw()))
                    .line(mask + " aMax" + half + " = a" + half + ".eq(" + m + "), aPairMax" + half + " = a" + half
                            + ".rearrange(PARTNER).eq(" + m + ")")
                    .line(mask + " takeA" + half + " = aMax" + half + ".andNot(aPairMax" + half + ".and(ODD_LANES))")
                    .line(mask + " takeB" + half + " = b" + half + ".eq(" + m + ").andNot(aMax" + half + ".or(aPairMax" + half
                            + ")).andNot(b" + half + ".rearrange(PARTNER).eq(" + m + ").and(ODD_LANES))");
        }
        code.comment("row by row: the top row's second vector runs into the bottom row, which is written after it")
                .line("zero.blend(d0, takeA0).intoArray(" + dIn + ", i)")
                .line("zero.blend(d1, takeA1).intoArray(" + dIn + ", i + V)")
                .line("zero.blend(d0, takeB0).intoArray(" + dIn + ", i + " + g.iw() + ")")
                .line("zero.blend(d1, takeB1).intoArray(" + dIn + ", i + " + g.iw() + " + V)")
                .close();
        code.close().close().close();
        return ctx.method("Backward", "Backward pass: each output gradient to the first maximum of its window, with the Vector API.",
                code.build());
    }
}
