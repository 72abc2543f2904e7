package cnnc.codegen;

import cnnc.plan.Step;
import com.palantir.javapoet.MethodSpec;

/** A standalone activation layer (not the final softmax or sigmoid, which the output stage fuses with the loss). */
final class ActivationEmitter extends LayerEmitter {
    private final int size;

    ActivationEmitter(Step step, Precision p, boolean inference) {
        super(step, p, inference);
        size = step.layer().out().size();
    }

    @Override
    MethodSpec forward() {
        var code = new Code();
        code.loop("k", "batch * " + size)
                .line(step.out().name() + "[k] = " + activate(step.activation(), step.in().name() + "[k]"))
                .close();
        return method("Forward", "Forward pass: " + step.activation().keyword() + ", element by element.")
                .addCode(code.build()).build();
    }

    @Override
    MethodSpec backward() {
        var code = new Code();
        if (step.inGradOnDemand()) {
            code.open("if (!inputGradientEnabled)").line("return").close();
        }
        String g = step.outGrad().name() + "[k]";
        code.loop("k", "batch * " + size)
                .line(step.inGrad().name() + "[k] = " + derivative(step.activation(), step.out().name() + "[k]", g))
                .close();
        return method("Backward", "Backward pass: the gradient times the activation's derivative.")
                .addCode(code.build()).build();
    }
}
