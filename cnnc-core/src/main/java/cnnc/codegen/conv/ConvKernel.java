package cnnc.codegen.conv;

import cnnc.codegen.Code;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.plan.Step;

/**
 * What each scalar convolution kernel reads as it writes code: the op's context, the layer's
 * geometry and the pieces every kernel shares, and the names of the layer's tensors.
 */
abstract class ConvKernel {
    final OpContext ctx;
    final ConvGeometry g;
    final ConvPieces pieces;
    final Precision p;
    final Step step;
    final String name, weight, bias;

    ConvKernel(ConvPieces pieces) {
        this.pieces = pieces;
        this.ctx = pieces.ctx();
        this.g = pieces.g();
        this.p = ctx.precision();
        this.step = ctx.step();
        this.name = ctx.name();
        this.weight = pieces.weight();
        this.bias = pieces.bias();
    }

    /**
     * Opens the loops of a scattering input gradient, over examples and output channels, with the
     * gradient of the (padded) input cleared; returns the buffer it is summed into.
     */
    String openInputGradient(Code code) {
        String dsrc = g.padded() ? name + "PaddedGrad" : step.inGrad().name();
        code.loop("n", "batch")
                .line("int dBase = " + (g.padded() ? "0" : "n * " + g.srcSize()))
                .line("int outBase = n * " + g.outSize())
                .line("java.util.Arrays.fill(" + dsrc + ", dBase, dBase + " + g.srcSize() + ", " + p.literal(0) + ")")
                .loop("oc", g.k())
                .line("int o = outBase + oc * " + (g.oh() * g.ow()));
        return dsrc;
    }
}
