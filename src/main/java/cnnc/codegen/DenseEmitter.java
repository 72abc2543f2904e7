package cnnc.codegen;

import cnnc.model.Layer;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * A fully connected layer, weights [units][inputs] as PyTorch's Linear. Forward is a dot
 * product per unit; the backward passes are axpy loops over contiguous rows, which C2
 * vectorizes.
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

    @Override
    MethodSpec forward() {
        String x = step.in().name();
        String y = step.out().name();
        var code = new Code();
        code.loop("n", "batch")
                .line("int ib = n * " + in)
                .line("int ob = n * " + out)
                .loop("j", out)
                .line("int wb = j * " + in);
        partialSums(code, "sum", bias + "[j]", in, q -> weight + "[wb + " + q + "] * " + x + "[ib + " + q + "]");
        code.line(y + "[ob + j] = " + activate(step.activation(), "sum"))
                .close().close();
        return method("Forward", "Forward pass: one dot product per unit.").addCode(code.build()).build();
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
                .line("int wb = j * " + in)
                .loop("i", in).line(dx + "[ib + i] += d * " + weight + "[wb + i]").close()
                .close().close();
        return method("BackwardInput", "Computes the gradient of the layer's input: the output gradient times the weights.")
                .addCode(code.build()).build();
    }
}
