package cnnc.codegen.pool;

import cnnc.ast.PoolKind;
import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.PartialSums;
import cnnc.codegen.Precision;
import cnnc.model.Layer;
import cnnc.plan.Step;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * Global max or average pooling: each channel's whole plane to one value, so the output is a
 * vector of the channels (Keras' GlobalMaxPooling2D and GlobalAveragePooling2D; PyTorch's
 * adaptive pooling to 1x1, then flatten). The average sums in four partial sums; the maximum's
 * gradient goes to the first element equal to it, found again by its bits, as in {@link PoolOp}.
 */
public final class GlobalPoolOp implements LayerOp {
    private final OpContext ctx;
    private final Step step;
    private final Precision p;
    private final Layer.GlobalPool pool;
    private final int channels;
    /** Values of one channel's plane: its height times its width. */
    private final int plane;

    public GlobalPoolOp(OpContext ctx, Layer.GlobalPool pool) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.pool = pool;
        this.channels = pool.in().channels();
        this.plane = pool.in().height() * pool.in().width();
    }

    @Override
    public List<MethodSpec> methods() {
        return ctx.forwardAndBackward(this::forward, this::backward);
    }

    private boolean max() {
        return pool.kind() == PoolKind.MAX;
    }

    /** Opens loops over examples and channels; defines i, the plane's start, and k, the output's index. */
    private void openPlanes(Code code) {
        code.loop("n", "batch").loop("ch", channels)
                .line("int i = (n * " + channels + " + ch) * " + plane)
                .line("int k = n * " + channels + " + ch");
    }

    private MethodSpec forward() {
        var code = new Code();
        String in = step.in().name();
        openPlanes(code);
        if (max()) {
            code.line(p.keyword() + " m = " + in + "[i]")
                    .open("for (int j = 1; j < " + plane + "; j++)").line("m = Math.max(m, " + in + "[i + j])").close()
                    .line(step.out().name() + "[k] = m");
        } else {
            PartialSums.declare(code, p, "sum", p.literal(0), plane, q -> in + "[i + " + q + "]");
            code.line(step.out().name() + "[k] = sum * " + p.literal(1.0 / plane));
        }
        code.close().close();
        return ctx.method("Forward", "Forward pass: the " + (max() ? "maximum" : "average") + " of each channel's plane.",
                code.build());
    }

    private MethodSpec backward() {
        var code = new Code();
        String dIn = step.inGrad().name();
        String gradOut = step.outGrad().name();
        ctx.skipUnlessInputGradientWanted(code);
        openPlanes(code);
        if (max()) {
            String bits = WindowMax.bits(p);
            code.line(WindowMax.bitsType(p) + " m = " + bits + "(" + step.out().name() + "[k])")
                    .line("int at = i")
                    .comment("the first element equal to the maximum takes the whole gradient (PyTorch's choice on ties)")
                    .open("for (int j = " + (plane - 1) + "; j >= 0; j--)")
                    .line("at = " + bits + "(" + step.in().name() + "[i + j]) == m ? i + j : at")
                    .close()
                    .line("java.util.Arrays.fill(" + dIn + ", i, i + " + plane + ", " + p.literal(0) + ")")
                    .line(dIn + "[at] = " + gradOut + "[k]");
        } else {
            code.line(p.keyword() + " d = " + gradOut + "[k] * " + p.literal(1.0 / plane))
                    .loop("j", plane).line(dIn + "[i + j] = d").close();
        }
        code.close().close();
        return ctx.method("Backward", "Backward pass: each channel's gradient to "
                + (max() ? "the first maximum of its plane." : "every element of its plane, divided evenly."), code.build());
    }
}
