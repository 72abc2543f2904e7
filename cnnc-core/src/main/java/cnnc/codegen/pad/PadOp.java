package cnnc.codegen.pad;

import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.model.Layer;
import cnnc.plan.Step;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * Zero padding as a layer: each plane copied row by row into the middle of a larger one whose
 * border is zero; the gradient is the middle of the output gradient, the border's being dropped.
 */
public final class PadOp implements LayerOp {
    private final OpContext ctx;
    private final Step step;
    private final int channels, ih, iw, oh, ow, rows, columns;

    public PadOp(OpContext ctx, Layer.Pad pad) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.channels = pad.in().channels();
        this.ih = pad.in().height();
        this.iw = pad.in().width();
        this.oh = pad.out().height();
        this.ow = pad.out().width();
        this.rows = pad.rows();
        this.columns = pad.columns();
    }

    @Override
    public List<MethodSpec> methods() {
        return ctx.forwardAndBackward(this::forward, this::backward);
    }

    /** Opens loops over examples, channels and input rows; defines i (the input row) and o (its place in the output). */
    private void openRows(Code code) {
        code.loop("n", "batch").loop("ch", channels).loop("y", ih)
                .line("int i = (n * " + channels + " + ch) * " + ih * iw + " + y * " + iw)
                .line("int o = (n * " + channels + " + ch) * " + oh * ow + " + (y + " + rows + ") * " + ow + " + " + columns);
    }

    private MethodSpec forward() {
        var code = new Code();
        String out = step.out().name();
        code.comment("the border is zero, the middle the input")
                .line("java.util.Arrays.fill(" + out + ", 0, batch * " + channels * oh * ow + ", " + ctx.precision().literal(0) + ")");
        openRows(code);
        code.line("System.arraycopy(" + step.in().name() + ", i, " + out + ", o, " + iw + ")").close().close().close();
        return ctx.method("Forward", "Forward pass: each plane in the middle of a zero border.", code.build());
    }

    private MethodSpec backward() {
        var code = new Code();
        ctx.skipUnlessInputGradientWanted(code);
        openRows(code);
        code.line("System.arraycopy(" + step.outGrad().name() + ", o, " + step.inGrad().name() + ", i, " + iw + ")")
                .close().close().close();
        return ctx.method("Backward", "Backward pass: the middle of the output gradient; the border's goes nowhere.",
                code.build());
    }
}
