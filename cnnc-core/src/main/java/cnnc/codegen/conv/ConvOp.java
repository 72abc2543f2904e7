package cnnc.codegen.conv;

import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Scratch;
import cnnc.codegen.SharedMethods;
import cnnc.codegen.conv.ConvPieces.BiasGradient;
import cnnc.codegen.conv.ConvStrategy.Pass;
import cnnc.model.Layer;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolution in plain Java, each pass in the shape of code {@link ConvStrategy} picks for its
 * geometry: tap columns ({@link ColumnConvKernels}), wide rows ({@link WideConvKernels}) or
 * direct loops ({@link DirectConvKernels}). Padding copies the input into a zero-bordered buffer
 * once per forward pass, so no loop needs a bounds test.
 */
public final class ConvOp implements LayerOp {
    private final OpContext ctx;
    private final ConvGeometry g;
    private final ConvStrategy strategy;
    private final ConvPieces pieces;
    private final ColumnConvKernels columns;
    private final WideConvKernels wide;
    private final DirectConvKernels direct;

    public ConvOp(OpContext ctx, Layer.Conv conv) {
        this.ctx = ctx;
        this.g = ConvGeometry.of(conv, ctx.step().fusedPool());
        this.strategy = ConvStrategy.of(g);
        this.pieces = new ConvPieces(ctx, g,
                strategy.weightGradient() == Pass.COLUMNS ? BiasGradient.WITH_WEIGHTS : BiasGradient.OWN_PASS);
        this.columns = new ColumnConvKernels(pieces);
        this.wide = new WideConvKernels(pieces);
        this.direct = new DirectConvKernels(pieces);
    }

    @Override
    public List<Scratch> scratch() {
        boolean training = ctx.training();
        String length = g.wideName();
        var scratch = new ArrayList<Scratch>();
        if (!g.conv().bias()) {
            scratch.addAll(ctx.zeroBias(g.k()));
        }
        if (g.padded()) {
            scratch.add(ctx.buffer("Padded", "maxBatch * " + g.srcSize()));
        }
        if (strategy.forward() == Pass.WIDE) {
            scratch.add(ctx.buffer("Wide", length));
        }
        if (training && g.padded()) {
            scratch.add(ctx.buffer("PaddedGrad", String.valueOf(g.srcSize())));
        }
        if (training && strategy.wide()) {
            // only valid columns are ever written, so the waste columns stay zero
            scratch.add(ctx.buffer("GradWide", length));
        }
        if (strategy.forward() == Pass.COLUMNS) {
            // the forward pass copies one input plane's taps at a time, the weight gradient all of them
            boolean everyPlane = training && strategy.weightGradient() == Pass.COLUMNS;
            int examples = ColumnConvKernels.examplesPerPass(g, training);
            String rowLength = examples == 1 ? length : examples + " * " + length;
            scratch.add(ctx.rows("Columns", everyPlane ? g.c() * g.taps() : g.taps(), rowLength));
            scratch.add(ctx.rows("Planes", g.k(), rowLength));
        }
        long partial = Math.max(strategy.forward() == Pass.COLUMNS ? (long) ColumnConvKernels.examplesPerPass(g, training) * g.wideLength() : 0,
                training && strategy.inputGradient() == Pass.COLUMNS ? g.gradWideLength() : 0);
        if (partial > 0 && ColumnConvKernels.splitsTaps(g)) {
            scratch.add(ctx.buffer("Partial", String.valueOf(partial)));
        }
        if (training && strategy.weightGradient() == Pass.COLUMNS) {
            scratch.add(ctx.rows("WeightLanes", g.k() * g.c() * g.taps(), length));
            scratch.add(ctx.rows("BiasLanes", g.k(), length));
            scratch.add(ctx.rows("Columns2", g.c() * g.taps(), length));
            // like GradWide, only valid columns are ever written
            scratch.add(ctx.buffer("GradWide2", length));
        }
        if (training && strategy.inputGradient() == Pass.COLUMNS) {
            // only the interior is ever written, so the border stays zero
            scratch.add(ctx.buffer("GradPadded", String.valueOf(g.k() * g.gradPlane())));
            scratch.add(ctx.rows("GradColumns", g.k() * g.taps(), g.gradWideName()));
            scratch.add(ctx.buffer("InputGradWide", g.gradWideName()));
        }
        return scratch;
    }

    @Override
    public List<FieldSpec> namedSizes() {
        if (!strategy.wide()) {
            return List.of();
        }
        return g.namedSizes(ctx.training() && strategy.inputGradient() == Pass.COLUMNS);
    }

    @Override
    public List<String> sharedMethods() {
        if (!ctx.training()) {
            return pieces.poolsPlanes() ? List.of(SharedMethods.LARGER) : List.of();
        }
        return strategy.weightGradient() == Pass.COLUMNS
                ? List.of(SharedMethods.ADD_PRODUCTS, SharedMethods.SUM_LANES) : List.of();
    }

    @Override
    public List<MethodSpec> methods() {
        var methods = new ArrayList<MethodSpec>();
        methods.add(forward());
        if (!ctx.training()) {
            return methods;
        }
        if (strategy.weightGradient() == Pass.COLUMNS) {
            methods.add(columns.toColumns());
        }
        methods.add(backward());
        if (pieces.backwardBiasHasWork()) {
            methods.add(pieces.backwardBias());
        }
        methods.add(strategy.weightGradient() == Pass.COLUMNS ? columns.backwardWeights() : direct.backwardWeights());
        methods.add(switch (strategy.inputGradient()) {
            case COLUMNS -> columns.backwardInput();
            case WIDE -> wide.backwardInput();
            case DIRECT -> direct.backwardInput();
        });
        return methods;
    }

    private MethodSpec forward() {
        var code = new Code();
        String type = ctx.precision().keyword();
        String out = ctx.step().out().name();
        pieces.copyPadding(code);
        switch (strategy.forward()) {
            case COLUMNS:
                columns.forward(code, out);
                return ctx.method("Forward", "Forward pass: " + type + " convolution over tap columns, kernel taps unrolled."
                        + pieces.fusedPoolNote(), code.build());
            case WIDE:
                wide.forward(code, out);
                return ctx.method("Forward", "Forward pass: " + type + " convolution over wide rows, kernel taps unrolled."
                        + pieces.fusedPoolNote(), code.build());
            default:
                return direct.forward(code);
        }
    }

    private MethodSpec backward() {
        var code = new Code();
        if (pieces.backwardBiasHasWork()) {
            code.line(ctx.name() + "BackwardBias(batch)");
        }
        code.line(ctx.name() + "BackwardWeights(batch)");
        ctx.callInputBackward(code);
        return ctx.method("Backward", "Backward pass: gradients of the bias, the weights and the input.", code.build());
    }
}
