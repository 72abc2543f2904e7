package cnnc.codegen.conv;

import cnnc.codegen.Activations;
import cnnc.codegen.Code;
import cnnc.codegen.conv.UnrolledTaps.Taps;
import com.palantir.javapoet.MethodSpec;

/**
 * Direct convolution code for any stride: loops over output rows and columns with the kernel
 * taps unrolled and their offsets baked in, for the forward pass, the weight gradient (one
 * accumulator per tap) and the input gradient (each output gradient scattered over its taps).
 */
final class DirectConvKernels extends ConvKernel {
    private final UnrolledTaps taps;

    DirectConvKernels(ConvPieces pieces) {
        super(pieces);
        this.taps = new UnrolledTaps(g, p, weight);
    }

    /** Forward pass, after the padding copy: output rows and columns, taps unrolled. */
    MethodSpec forward(Code code) {
        Taps t = taps.taps();
        String type = p.keyword();
        String out = step.out().name();
        code.loop("n", "batch")
                .line("int srcBase = n * " + g.srcSize())
                .line("int outBase = n * " + g.outSize())
                .loop("oc", g.k())
                .line("int o = outBase + oc * " + (g.oh() * g.ow()))
                .line("java.util.Arrays.fill(" + out + ", o, o + " + (g.oh() * g.ow()) + ", " + bias + "[oc])")
                .loop("ic", g.c())
                .line("int ib = srcBase + ic * " + (g.ph() * g.pw()));
        String wb = taps.openRows(code, t, "(oc * " + g.c() + " + ic) * " + (g.kh() * g.kw()));
        taps.loadWeights(code, t, wb);
        taps.openPixels(code, "ib", t, "o");
        var sum = new StringBuilder();
        for (int[] tap : t.taps()) {
            if (sum.length() > 0) {
                sum.append(" + ");
            }
            sum.append("w").append(tap[0]).append(" * ").append(pieces.src()).append("[").append(ConvPieces.plus("i", tap[1])).append("]");
        }
        code.line(out + "[ob + ox] += " + sum).close().close();
        taps.closeRows(code, t);
        code.close(); // ic
        Activations.activateRange(code, p, step, out, "o", g.oh() * g.ow());
        code.close().close();
        return ctx.method("Forward", "Forward pass: " + type + " convolution, kernel taps unrolled.", code.build());
    }

    MethodSpec backwardWeights() {
        Taps t = taps.taps();
        var code = new Code();
        String gradOut = step.outGrad().name();
        String zero = p.literal(0);
        code.loop("n", "batch")
                .line("int srcBase = n * " + g.srcSize())
                .line("int outBase = n * " + g.outSize())
                .loop("oc", g.k())
                .line("int o = outBase + oc * " + (g.oh() * g.ow()))
                .loop("ic", g.c())
                .line("int ib = srcBase + ic * " + (g.ph() * g.pw()));
        String wb = taps.openRows(code, t, "(oc * " + g.c() + " + ic) * " + (g.kh() * g.kw()));
        for (int[] tap : t.taps()) {
            code.line(p.keyword() + " a" + tap[0] + " = " + zero);
        }
        taps.openPixels(code, "ib", t, "o");
        code.line(p.keyword() + " d = " + gradOut + "[ob + ox]");
        for (int[] tap : t.taps()) {
            code.line("a" + tap[0] + " += d * " + pieces.src() + "[" + ConvPieces.plus("i", tap[1]) + "]");
        }
        code.close().close();
        for (int[] tap : t.taps()) {
            code.line(weight + "Grad[" + ConvPieces.plus(wb, tap[0]) + "] += a" + tap[0]);
        }
        taps.closeRows(code, t);
        code.close().close().close();
        return ctx.method("BackwardWeights", "Accumulates the weight gradient, one accumulator per unrolled tap.", code.build());
    }

    MethodSpec backwardInput() {
        Taps t = taps.taps();
        var code = new Code();
        String gradOut = step.outGrad().name();
        String dsrc = openInputGradient(code);
        code.loop("ic", g.c())
                .line("int ib = dBase + ic * " + (g.ph() * g.pw()));
        String wb = taps.openRows(code, t, "(oc * " + g.c() + " + ic) * " + (g.kh() * g.kw()));
        taps.loadWeights(code, t, wb);
        taps.openPixels(code, "ib", t, "o");
        code.line(p.keyword() + " d = " + gradOut + "[ob + ox]");
        for (int[] tap : t.taps()) {
            code.line(dsrc + "[" + ConvPieces.plus("i", tap[1]) + "] += w" + tap[0] + " * d");
        }
        code.close().close();
        taps.closeRows(code, t);
        code.close().close();
        pieces.cropPadding(code, dsrc);
        code.close();
        return ctx.method("BackwardInput", "Computes the gradient of the layer's input, scattering each output gradient over its taps.", code.build());
    }
}
