package cnnc.codegen.activation;

import cnnc.codegen.Activations;
import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/** A standalone activation layer (not the final softmax or sigmoid, which the output stage fuses with the loss). */
public final class ActivationOp implements LayerOp {
    private final OpContext ctx;
    private final Precision p;
    private final int size;

    public ActivationOp(OpContext ctx) {
        this.ctx = ctx;
        this.p = ctx.precision();
        this.size = ctx.step().layer().out().size();
    }

    @Override
    public List<MethodSpec> methods() {
        return ctx.forwardAndBackward(this::forward, this::backward);
    }

    private MethodSpec forward() {
        var step = ctx.step();
        var code = new Code();
        code.loop("k", "batch * " + size)
                .line(step.out().name() + "[k] = " + Activations.activate(p, step, step.in().name() + "[k]"))
                .close();
        return ctx.method("Forward", "Forward pass: " + step.activation().keyword() + ", element by element.", code.build());
    }

    private MethodSpec backward() {
        var step = ctx.step();
        var code = new Code();
        ctx.skipUnlessInputGradientWanted(code);
        String g = step.outGrad().name() + "[k]";
        code.loop("k", "batch * " + size)
                .line(step.inGrad().name() + "[k] = " + Activations.derivative(p, step, step.out().name() + "[k]", g))
                .close();
        return ctx.method("Backward", "Backward pass: the gradient times the activation's derivative.", code.build());
    }
}
