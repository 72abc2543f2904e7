package cnnc.codegen.dropout;

import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.codegen.Scratch;
import cnnc.model.Layer;
import com.palantir.javapoet.MethodSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Inverted dropout: while training, each value is kept with probability 1 - rate and scaled by
 * 1/(1 - rate); otherwise the layer passes values through (an inference plan has no dropout step
 * at all). The keep/drop decision is a hash of the random seed and the example's position in the
 * whole batch, so it does not depend on how the batch is split over threads.
 */
public final class DropoutOp implements LayerOp {
    private final OpContext ctx;
    private final Precision p;
    private final Layer.Dropout dropout;
    private final int size;
    private final int salt;

    /** {@code salt} tells the network's dropout layers apart. */
    public DropoutOp(OpContext ctx, Layer.Dropout dropout, int salt) {
        this.ctx = ctx;
        this.p = ctx.precision();
        this.dropout = dropout;
        this.size = dropout.out().size();
        this.salt = salt;
    }

    @Override
    public List<Scratch> scratch() {
        return List.of(ctx.buffer("Mask", "maxBatch * " + size));
    }

    @Override
    public boolean forwardTakesTraining() {
        return true;
    }

    @Override
    public List<MethodSpec> methods() {
        return List.of(forward(), backward());
    }

    private MethodSpec forward() {
        var step = ctx.step();
        String in = step.in().name();
        String out = step.out().name();
        String mask = ctx.name() + "Mask";
        var code = new Code();
        code.open("if (!training)")
                .line("System.arraycopy(" + in + ", 0, " + out + ", 0, batch * " + size + ")")
                .line("return")
                .close();
        // u = (h >>> 40) / 2^24 is uniform in [0, 1) and exact, so u >= rate is the integer test
        // h >>> 40 >= ceil(rate * 2^24); its sign bit makes it arithmetic, since a branch taken at
        // random mispredicts on a third of the values
        double rate = p == Precision.FLOAT ? (float) dropout.rate() : dropout.rate();
        long threshold = (long) Math.ceil(rate * 0x1.0p24);
        code.loop("k", "batch * " + size)
                .line("long h = mix(randomSeed + " + salt + "L * 0x632BE59BD9B4E019L + (randomOffset * " + size + "L + k) * 0x9E3779B97F4A7C15L)")
                .line("int dropped = (int) (((h >>> 40) - " + threshold + "L) >>> 63)")
                .line(p.keyword() + " keep = (1 - dropped) * " + p.literal(1.0 / (1.0 - dropout.rate())))
                .line(mask + "[k] = keep")
                .line(out + "[k] = " + in + "[k] * keep")
                .close();
        return MethodSpec.methodBuilder(ctx.name() + "Forward")
                .addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "batch")
                .addParameter(boolean.class, "training")
                .addJavadoc("Forward pass: inverted dropout of rate $L while training, identity otherwise.\n\n"
                        + "<p>{@code $L} at line $L: $L.\n", dropout.rate(), dropout.source(), dropout.span().line(),
                        dropout.out().text())
                .addCode(code.build()).build();
    }

    private MethodSpec backward() {
        var step = ctx.step();
        var code = new Code();
        ctx.skipUnlessInputGradientWanted(code);
        code.loop("k", "batch * " + size)
                .line(step.inGrad().name() + "[k] = " + step.outGrad().name() + "[k] * " + ctx.name() + "Mask[k]")
                .close();
        return ctx.method("Backward", "Backward pass: the gradient flows through the kept values only, scaled as they were.",
                code.build());
    }
}
