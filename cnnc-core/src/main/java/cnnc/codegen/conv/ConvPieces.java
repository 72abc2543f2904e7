package cnnc.codegen.conv;

import cnnc.ast.Activation;
import cnnc.codegen.Activations;
import cnnc.codegen.Code;
import cnnc.codegen.OpContext;
import cnnc.codegen.PartialSums;
import cnnc.codegen.SharedMethods;
import cnnc.codegen.pool.WindowMax;
import cnnc.model.Layer;
import cnnc.plan.ReluFold;
import com.palantir.javapoet.MethodSpec;

/**
 * What every convolution kernel shares, on either backend: the padding copy and crop, the bias
 * pass, and the max pool that an inference class runs on each output plane.
 *
 * @param biasGradient where the bias gradient is summed
 */
record ConvPieces(OpContext ctx, ConvGeometry g, BiasGradient biasGradient) {

    /** Where a layer sums its bias gradient. */
    enum BiasGradient {
        /** In the weight gradient's pass, beside the weights' sums. */
        WITH_WEIGHTS,
        /** In a pass of its own, BackwardBias. */
        OWN_PASS
    }

    String weight() {
        return ctx.name() + "Weight";
    }

    String bias() {
        return ctx.name() + "Bias";
    }

    /** The buffer the kernels read: the zero-bordered copy when the layer pads. */
    String src() {
        return g.padded() ? ctx.name() + "Padded" : ctx.step().in().name();
    }

    /** {@code base + offset}, without a {@code + 0}. */
    static String plus(String base, int offset) {
        return offset == 0 ? base : base + " + " + offset;
    }

    /** Copies the input into the zero-bordered buffer, when the layer pads (the border is never written). */
    void copyPadding(Code code) {
        if (!g.padded()) {
            return;
        }
        code.comment("copy the input into the zero-bordered buffer (the border is never written)");
        code.loop("n", "batch").loop("ch", g.c()).loop("y", g.ih())
                .line("System.arraycopy(" + ctx.step().in().name() + ", n * " + (g.c() * g.ih() * g.iw()) + " + ch * " + (g.ih() * g.iw())
                        + " + y * " + g.iw() + ", " + src() + ", n * " + g.srcSize() + " + ch * " + (g.ph() * g.pw())
                        + " + (y + " + g.conv().padTop() + ") * " + g.pw() + " + " + g.conv().padLeft() + ", " + g.iw() + ")")
                .close().close().close();
    }

    String fusedPoolNote() {
        Layer.Pool pool = ctx.step().fusedPool().orElse(null);
        return pool == null ? "" : " Each plane then goes\nthrough {@code " + pool.source() + "} (line " + pool.span().line()
                + ") while still in cache, down to " + pool.out().text() + ".";
    }

    /**
     * Output rows up to this wide get their windows written out one by one: C2 runs a loop of a
     * dozen trips with more overhead than work (the lab network's first pool took 1.8 of its 9.6
     * microseconds per image, 0.5 less unrolled).
     */
    static final int UNROLLED_POOL_WIDTH = 16;

    /** Whether a fused pool's windows ({@link #poolWindows}) run here, and so call {@link SharedMethods#LARGER}. */
    boolean poolsPlanes() {
        return ctx.step().fusedPool().isPresent();
    }

    /**
     * The fused max pool of an inference plan: the ReLU in place over plane oc's wide rows, then
     * each window's maximum straight from them into the pool's output (an integer one, as in
     * {@link WindowMax}).
     */
    void poolPlane(Code code, String wide, String out) {
        activatePlane(code, wide, g.wideName());
        poolWindows(code, wide, out, "outBase", "");
    }

    /** The activation in place over {@code length} values of plane oc's wide rows. */
    void activatePlane(Code code, String wide, String length) {
        code.loop("j", length).line(wide + "[j] = " + Activations.activate(ctx.precision(), ctx.step(), wide + "[j]")).close();
    }

    /**
     * Each window's maximum from plane oc's wide rows, which start at {@code rowStart} (empty, or
     * an expression and " + ") in {@code wide}, into the pool's output of the example at
     * {@code outBase}.
     */
    void poolWindows(Code code, String wide, String out, String outBase, String rowStart) {
        Layer.Pool pool = ctx.step().fusedPool().orElseThrow();
        int poh = pool.out().height();
        int pow = pool.out().width();
        int ps = pool.stride();
        code.line("int o = " + outBase + " + oc * " + (poh * pow))
                .loop("oy", poh)
                .line("int r = " + rowStart + "oy * " + (ps * g.pw()));
        if (pow <= UNROLLED_POOL_WIDTH) {
            for (int ox = 0; ox < pow; ox++) {
                code.line(out + "[o + oy * " + pow + " + " + ox + "] = " + WindowMax.larger(pool, wide, g.pw(), "r", ox * ps));
            }
        } else {
            code.loop("ox", pow)
                    .line("int i = r + ox" + (ps == 1 ? "" : " * " + ps))
                    .line(out + "[o + oy * " + pow + " + ox] = " + WindowMax.larger(pool, wide, g.pw(), "i", 0))
                    .close();
        }
        code.close();
    }

    /** Copies the interior of the padded gradient into the layer's input gradient (inside the loop over n). */
    void cropPadding(Code code, String dsrc) {
        if (!g.padded()) {
            return;
        }
        code.comment("drop the border: only the interior is the layer's input");
        code.loop("ch", g.c()).loop("y", g.ih())
                .line("System.arraycopy(" + dsrc + ", ch * " + (g.ph() * g.pw()) + " + (y + " + g.conv().padTop() + ") * " + g.pw()
                        + " + " + g.conv().padLeft() + ", " + ctx.step().inGrad().name() + ", n * " + (g.c() * g.ih() * g.iw())
                        + " + ch * " + (g.ih() * g.iw()) + " + y * " + g.iw() + ", " + g.iw() + ")")
                .close().close();
    }

    /** Whether the bias gradient is summed in the weight gradient's pass rather than on its own. */
    boolean biasSummedWithWeights() {
        return biasGradient == BiasGradient.WITH_WEIGHTS;
    }

    /**
     * Whether BackwardBias has anything to do: sum the bias gradient, or apply a derivative that
     * is not linear and that no later max pool already applied.
     */
    boolean backwardBiasHasWork() {
        return !biasSummedWithWeights()
                || (ctx.step().activation() != cnnc.ast.Activation.LINEAR && ctx.step().reluFold() != ReluFold.DERIVATIVE_IN_NEXT_POOL);
    }

    MethodSpec backwardBias() {
        var code = new Code();
        String gradOut = ctx.step().outGrad().name();
        Activations.deriveRange(code, ctx.precision(), ctx.step(), "batch * " + g.outSize());
        if (biasSummedWithWeights()) {
            return ctx.method("BackwardBias", "Applies the activation's derivative to the output gradient (the bias gradient is summed with the weights').", code.build());
        }
        code.loop("n", "batch").loop("oc", g.k())
                .line("int o = n * " + g.outSize() + " + oc * " + (g.oh() * g.ow()));
        PartialSums.declare(code, ctx.precision(), "sum", ctx.precision().literal(0), g.oh() * g.ow(), q -> gradOut + "[o + " + q + "]");
        code.line(bias() + "Grad[oc] += sum")
                .close().close();
        return ctx.method("BackwardBias", "Applies the activation's derivative to the output gradient and sums the bias gradient.", code.build());
    }
}
