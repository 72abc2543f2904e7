package cnnc.codegen;

import cnnc.plan.Step;
import cnnc.model.Layer;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * Inverted dropout: while training, each value is kept with probability 1 - rate and scaled by
 * 1/(1 - rate); at inference the layer passes values through. The keep/drop decision is a hash
 * of the random seed and the example's position in the whole batch, so it does not depend on
 * how the batch is split over threads.
 */
final class DropoutEmitter extends LayerEmitter {
    private final Layer.Dropout dropout;
    private final int size;
    private final int salt;

    DropoutEmitter(Step step, Precision p, int salt) {
        super(step, p, false); // an inference plan has no dropout steps
        this.dropout = (Layer.Dropout) step.layer();
        this.size = dropout.out().size();
        this.salt = salt;
    }

    @Override
    List<FieldSpec> fields() {
        return List.of(buffer(name + "Mask"));
    }

    @Override
    List<String> allocations() {
        return List.of(name + "Mask = new " + p.keyword() + "[maxBatch * " + size + "]");
    }

    @Override
    boolean forwardTakesTraining() {
        return true;
    }

    @Override
    MethodSpec forward() {
        String in = step.in().name();
        String out = step.out().name();
        String mask = name + "Mask";
        var code = new Code();
        code.open("if (!training)")
                .line("System.arraycopy(" + in + ", 0, " + out + ", 0, batch * " + size + ")")
                .line("return")
                .close();
        // uniform in [0, 1) from the top 24 bits of the hash: exact in float
        code.loop("k", "batch * " + size)
                .line("long h = mix(randomSeed + " + salt + "L * 0x632BE59BD9B4E019L + (randomOffset * " + size + "L + k) * 0x9E3779B97F4A7C15L)")
                .line(p.keyword() + " keep = (h >>> 40) * 0x1.0p-24" + (p == Precision.FLOAT ? "f" : "") + " >= "
                        + p.literal(dropout.rate()) + " ? " + p.literal(1.0 / (1.0 - dropout.rate())) + " : " + p.literal(0))
                .line(mask + "[k] = keep")
                .line(out + "[k] = " + in + "[k] * keep")
                .close();
        return MethodSpec.methodBuilder(name + "Forward")
                .addModifiers(javax.lang.model.element.Modifier.PRIVATE)
                .addParameter(int.class, "batch")
                .addParameter(boolean.class, "training")
                .addJavadoc("Forward pass: inverted dropout of rate $L while training, identity otherwise.\n\n"
                        + "<p>{@code $L} at line $L: $L.\n", dropout.rate(), dropout.source(), dropout.span().line(),
                        dropout.out().text())
                .addCode(code.build()).build();
    }

    @Override
    MethodSpec backward() {
        var code = new Code();
        if (step.inGradOnDemand()) {
            code.open("if (!inputGradientEnabled)").line("return").close();
        }
        code.loop("k", "batch * " + size)
                .line(step.inGrad().name() + "[k] = " + step.outGrad().name() + "[k] * " + name + "Mask[k]")
                .close();
        return method("Backward", "Backward pass: the gradient flows through the kept values only, scaled as they were.")
                .addCode(code.build()).build();
    }
}
