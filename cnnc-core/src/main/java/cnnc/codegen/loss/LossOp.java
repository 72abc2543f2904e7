package cnnc.codegen.loss;

import cnnc.ast.Activation;
import cnnc.codegen.Code;
import cnnc.codegen.Precision;
import cnnc.model.Loss;
import cnnc.plan.Plan;
import com.palantir.javapoet.MethodSpec;
import javax.lang.model.element.Modifier;

/**
 * The output stage and the loss. Softmax with categorical cross-entropy and sigmoid with binary
 * cross-entropy are computed from the logits (log-sum-exp, and max(z,0) - zy + log(1 + e^-|z|)),
 * which stays finite where log(p) would not, and their gradient with respect to the logits is
 * p - y. Losses are summed over the examples (the trainer divides by the batch size) and, as in
 * Keras, averaged over the outputs for binary cross-entropy and mean squared error. The loss is
 * accumulated in double.
 */
public final class LossOp {
    private final Plan plan;
    private final Precision p;
    private final int outputs;

    public LossOp(Plan plan, Precision p) {
        this.plan = plan;
        this.p = p;
        this.outputs = plan.output().perExample();
    }

    /** Forward through the final softmax or sigmoid; null when there is none. */
    public MethodSpec outputForward() {
        if (plan.outputStage().isEmpty()) {
            return null;
        }
        var stage = plan.outputStage().get();
        String z = stage.logits().name();
        String pr = stage.probabilities().name();
        String type = p.keyword();
        var code = new Code();
        if (stage.activation() == Activation.SOFTMAX) {
            code.loop("n", "batch").line("int base = n * " + outputs)
                    .line(type + " max = " + z + "[base]")
                    .loop("j", outputs).line("max = Math.max(max, " + z + "[base + j])").close()
                    .line(type + " sum = " + p.literal(0))
                    .loop("j", outputs)
                    .line(type + " e = " + p.math("exp", z + "[base + j] - max"))
                    .line(pr + "[base + j] = e")
                    .line("sum += e")
                    .close()
                    .line(type + " inverse = " + p.literal(1) + " / sum")
                    .loop("j", outputs).line(pr + "[base + j] *= inverse").close()
                    .close();
        } else {
            code.loop("k", "batch * " + outputs)
                    .line(pr + "[k] = " + p.literal(1) + " / (" + p.literal(1) + " + " + p.math("exp", "-" + z + "[k]") + ")")
                    .close();
        }
        return MethodSpec.methodBuilder("outputForward")
                .addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "batch")
                .addJavadoc("The final $L, computed from the logits in {@code $L}.\n", stage.activation().keyword(), z)
                .addCode(code.build())
                .build();
    }

    public MethodSpec lossAndGradient() {
        Loss loss = plan.network().loss();
        var code = new Code();
        code.line("double total = 0");
        String cast = p == Precision.FLOAT ? "(float) " : "";
        if (loss == Loss.CATEGORICAL_CROSSENTROPY) {
            var stage = plan.outputStage().orElseThrow();
            String z = stage.logits().name();
            String pr = stage.probabilities().name();
            code.loop("n", "batch").line("int base = n * " + outputs)
                    .line("double max = " + z + "[base]")
                    .loop("j", outputs).line("max = Math.max(max, " + z + "[base + j])").close()
                    .line("double sum = 0")
                    .loop("j", outputs).line("sum += " + p.mathClass() + ".exp(" + z + "[base + j] - max)").close()
                    .line("double logSumExp = max + " + p.mathClass() + ".log(sum)")
                    .line("double targetSum = 0")
                    .loop("j", outputs)
                    .line("double y = targets[offset + base + j]")
                    .line("total += y * (logSumExp - " + z + "[base + j])")
                    .line("targetSum += y")
                    .close()
                    .open("if (gradient)")
                    .loop("j", outputs)
                    .line(stage.logitsGrad().name() + "[base + j] = " + cast + "(" + pr + "[base + j] * targetSum - targets[offset + base + j])")
                    .close()
                    .close()
                    .close();
        } else if (loss == Loss.BINARY_CROSSENTROPY) {
            var stage = plan.outputStage().orElseThrow();
            String z = stage.logits().name();
            String pr = stage.probabilities().name();
            code.loop("k", "batch * " + outputs)
                    .line("double logit = " + z + "[k]")
                    .line("double y = targets[offset + k]")
                    .line("total += Math.max(logit, 0) - logit * y + " + p.mathClass() + ".log1p(" + p.mathClass() + ".exp(-Math.abs(logit)))")
                    .open("if (gradient)")
                    .line(stage.logitsGrad().name() + "[k] = " + cast + "((" + pr + "[k] - y) / " + outputs + ")")
                    .close()
                    .close()
                    .line("total /= " + outputs);
        } else {
            String o = plan.output().name();
            code.loop("k", "batch * " + outputs)
                    .line("double error = " + o + "[k] - targets[offset + k]")
                    .line("total += error * error")
                    .open("if (gradient)")
                    .line(plan.outputGrad().name() + "[k] = " + cast + "(2 * error / " + outputs + ")")
                    .close()
                    .close()
                    .line("total /= " + outputs);
        }
        code.line("return total");
        return MethodSpec.methodBuilder("lossAndGradient")
                .addModifiers(Modifier.PRIVATE)
                .returns(double.class)
                .addParameter(p.arrayType(), "targets")
                .addParameter(int.class, "offset")
                .addParameter(int.class, "batch")
                .addParameter(boolean.class, "gradient")
                .addJavadoc("The $L summed over the batch; with {@code gradient}, also its gradient at the output.\n",
                        loss.description())
                .addCode(code.build())
                .build();
    }
}
