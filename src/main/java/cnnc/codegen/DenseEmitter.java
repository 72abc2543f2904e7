package cnnc.codegen;

import cnnc.model.Layer;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import javax.lang.model.element.Modifier;
import java.util.List;

/**
 * A fully connected layer, weights [units][inputs] as PyTorch's Linear. Every pass is written as
 * axpy loops over contiguous rows, which C2 vectorizes (a dot product per unit would be a chain
 * of dependent float adds): forward adds input i times row i of the transposed weights, and
 * skips the zeros that relu and MNIST's background leave in the input. Training transposes the
 * weights at each forward pass (they change every step); inference once, on first use.
 */
final class DenseEmitter extends LayerEmitter {
    private final int in, out;
    private final String weight, bias;

    DenseEmitter(NetworkPlan.Step step, Precision p, boolean inference) {
        super(step, p, inference);
        var dense = (Layer.Dense) step.layer();
        in = dense.in().length();
        out = dense.units();
        weight = name + "Weight";
        bias = name + "Bias";
    }

    private String transposed() {
        return name + "WeightT";
    }

    @Override
    List<FieldSpec> fields() {
        var fields = new java.util.ArrayList<FieldSpec>();
        fields.add(buffer(transposed()));
        if (inference) {
            fields.add(FieldSpec.builder(boolean.class, name + "Transposed", Modifier.PRIVATE).build());
        }
        return fields;
    }

    @Override
    List<String> allocations() {
        return List.of(transposed() + " = new " + p.keyword() + "[" + in * out + "]");
    }

    @Override
    MethodSpec forward() {
        String x = step.in().name();
        String y = step.out().name();
        String wt = transposed();
        var code = new Code();
        if (inference) {
            code.open("if (!" + name + "Transposed)");
        }
        code.loop("j", out).line("int wb = j * " + in)
                .loop("i", in).line(wt + "[i * " + out + " + j] = " + weight + "[wb + i]").close()
                .close();
        if (inference) {
            code.line(name + "Transposed = true").close();
        }
        code.loop("n", "batch")
                .line("int ib = n * " + in)
                .line("int ob = n * " + out)
                .line("System.arraycopy(" + bias + ", 0, " + y + ", ob, " + out + ")")
                .loop("i", in)
                .line(p.keyword() + " xi = " + x + "[ib + i]")
                .open("if (xi != " + p.literal(0) + ")")
                .line("int tb = i * " + out)
                .loop("j", out).line(y + "[ob + j] += xi * " + wt + "[tb + j]").close()
                .close()
                .close();
        activateRange(code, step.activation(), y, "ob", out);
        code.close();
        return method("Forward", "Forward pass: the bias plus each nonzero input times its row of the transposed weights.")
                .addCode(code.build()).build();
    }

    @Override
    MethodSpec backward() {
        var code = new Code();
        code.line(name + "BackwardWeights(batch)");
        callInputBackward(code);
        return method("Backward", "Backward pass: gradients of the bias, the weights and the input.")
                .addCode(code.build()).build();
    }

    @Override
    List<MethodSpec> helpers() {
        return List.of(backwardWeights(), backwardInput());
    }

    private MethodSpec backwardWeights() {
        String g = step.outGrad().name();
        String x = step.in().name();
        var code = new Code();
        deriveRange(code, step.activation(), g, step.out().name(), "batch * " + out);
        code.loop("n", "batch")
                .line("int ib = n * " + in)
                .loop("j", out)
                .line(p.keyword() + " d = " + g + "[n * " + out + " + j]")
                .line(bias + "Grad[j] += d")
                .open("if (d == " + p.literal(0) + ")").line("continue").close()
                .line("int wb = j * " + in)
                .loop("i", in).line(weight + "Grad[wb + i] += d * " + x + "[ib + i]").close()
                .close().close();
        return method("BackwardWeights", "Applies the activation's derivative, then accumulates the bias and weight gradients.")
                .addCode(code.build()).build();
    }

    private MethodSpec backwardInput() {
        String g = step.outGrad().name();
        String dx = step.inGrad().name();
        var code = new Code();
        code.line("java.util.Arrays.fill(" + dx + ", 0, batch * " + in + ", " + p.literal(0) + ")")
                .loop("n", "batch")
                .line("int ib = n * " + in)
                .loop("j", out)
                .line(p.keyword() + " d = " + g + "[n * " + out + " + j]")
                .open("if (d == " + p.literal(0) + ")").line("continue").close()
                .line("int wb = j * " + in)
                .loop("i", in).line(dx + "[ib + i] += d * " + weight + "[wb + i]").close()
                .close().close();
        return method("BackwardInput", "Computes the gradient of the layer's input: the output gradient times the weights.")
                .addCode(code.build()).build();
    }
}
