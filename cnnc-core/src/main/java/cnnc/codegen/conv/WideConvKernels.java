package cnnc.codegen.conv;

import cnnc.codegen.Activations;
import cnnc.codegen.Code;
import cnnc.codegen.conv.UnrolledTaps.Taps;
import com.palantir.javapoet.MethodSpec;

/**
 * Stride-1 convolution code over wide rows ({@link ConvGeometry}): one long loop per plane and
 * tap, for the forward pass and the input gradient, for kernels too large for tap columns.
 */
final class WideConvKernels extends ConvKernel {
    private final UnrolledTaps taps;

    WideConvKernels(ConvPieces pieces) {
        super(pieces);
        this.taps = new UnrolledTaps(g, p, weight);
    }

    /** Forward pass over wide rows, after the padding copy. */
    void forward(Code code, String out) {
        Taps t = taps.taps();
        String wide = name + "Wide";
        String length = g.wideName();
        code.loop("n", "batch")
                .line("int srcBase = n * " + g.srcSize())
                .line("int outBase = n * " + g.outSize())
                .loop("oc", g.k())
                .line("java.util.Arrays.fill(" + wide + ", 0, " + length + ", " + bias + "[oc])")
                .loop("ic", g.c())
                .line("int ib = srcBase + ic * " + (g.ph() * g.pw()));
        String wb = taps.openRows(code, t, "(oc * " + g.c() + " + ic) * " + (g.kh() * g.kw()));
        taps.loadWeights(code, t, wb);
        String row = t.rowLoop() ? "ib + ky * " + g.pw() : "ib";
        code.line("int r = " + row);
        var sum = new StringBuilder();
        for (int[] tap : t.taps()) {
            sum.append(sum.length() == 0 ? "" : " + ").append("w").append(tap[0]).append(" * ").append(pieces.src())
                    .append("[").append(ConvPieces.plus("r + j", tap[1])).append("]");
        }
        code.loop("j", length).line(wide + "[j] += " + sum).close();
        taps.closeRows(code, t);
        code.close(); // ic
        if (step.fusedPool().isPresent()) {
            pieces.poolPlane(code, wide, out);
        } else {
            code.comment("keep the valid columns of each wide row");
            code.line("int o = outBase + oc * " + (g.oh() * g.ow()))
                    .loop("oy", g.oh())
                    .loop("ox", g.ow())
                    .line(out + "[o + oy * " + g.ow() + " + ox] = " + Activations.activate(p, step, wide + "[oy * " + g.pw() + " + ox]"))
                    .close().close();
        }
        code.close().close();
    }

    /** Input gradient for stride 1: per tap, one long axpy of the wide output gradient. */
    MethodSpec backwardInput() {
        Taps t = taps.taps();
        var code = new Code();
        String gradOut = step.outGrad().name();
        String gw = name + "GradWide";
        String length = g.wideName();
        String dsrc = openInputGradient(code);
        code.loop("oy", g.oh())
                .line("System.arraycopy(" + gradOut + ", o + oy * " + g.ow() + ", " + gw + ", oy * " + g.pw() + ", " + g.ow() + ")")
                .close()
                .loop("ic", g.c())
                .line("int ib = dBase + ic * " + (g.ph() * g.pw()));
        String wb = taps.openRows(code, t, "(oc * " + g.c() + " + ic) * " + (g.kh() * g.kw()));
        String row = t.rowLoop() ? "ib + ky * " + g.pw() : "ib";
        code.line("int r = " + row);
        for (int[] tap : t.taps()) {
            code.line(p.keyword() + " w" + tap[0] + " = " + weight + "[" + ConvPieces.plus(wb, tap[0]) + "]");
            code.loop("j", length).line(dsrc + "[" + ConvPieces.plus("r + j", tap[1]) + "] += w" + tap[0] + " * " + gw + "[j]").close();
        }
        taps.closeRows(code, t);
        code.close().close();
        pieces.cropPadding(code, dsrc);
        code.close();
        return ctx.method("BackwardInput", "Computes the gradient of the layer's input: for each kernel tap, the wide output gradient times that weight, added at the tap's offset.", code.build());
    }
}
