package cnnc.codegen.dense;

import cnnc.codegen.Backend;
import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.codegen.Scratch;
import cnnc.codegen.VectorTypes;
import cnnc.model.Layer;
import cnnc.plan.Step;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * A fully connected layer for the {@link Backend#VECTOR} backend. The scalar op's loops keep
 * their sums in memory (C2 holds no vector sum in a register), a load and a store per
 * multiply-add. Here the forward pass and the input gradient run in tiles of four examples by
 * two vectors of outputs whose sums stay in registers: each weight vector loaded feeds four
 * multiply-adds. The weight gradient keeps the scalar op's code.
 *
 * <p>Rows are padded by two vectors of zeros, so a tile may run past the last unit or input; what
 * lands there is never copied out.
 */
public final class VectorDenseOp implements LayerOp {
    private static final int BLOCK = DenseOp.BLOCK;

    private final OpContext ctx;
    private final Step step;
    private final Precision p;
    private final String name;
    /** The scalar op, whose weight gradient and output copy this one shares. */
    private final DenseOp scalar;
    private final String vt;
    private final int in, out;
    private final String weight, bias;

    public VectorDenseOp(OpContext ctx, Layer.Dense dense) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.name = ctx.name();
        this.scalar = new DenseOp(ctx, dense);
        vt = VectorTypes.vectorClass(p);
        in = scalar.in;
        out = scalar.out;
        weight = scalar.weight;
        bias = scalar.bias;
    }

    @Override
    public List<Scratch> scratch() {
        String slack = " + 2 * SPECIES.length()";
        var scratch = new ArrayList<>(scalar.scratch(slack));
        scratch.add(ctx.buffer("BiasPadded", out + slack));
        return scratch;
    }

    @Override
    public List<MethodSpec> methods() {
        if (!ctx.training()) {
            return List.of(forward());
        }
        return List.of(forward(), scalar.backward(), scalar.backwardWeights(), backwardInput(), forwardTile(), inputTile());
    }

    private MethodSpec forward() {
        String wt = name + "WeightT";
        var code = new Code();
        code.loop("j", out).line("int wb = j * " + in)
                .loop("i", in).line(wt + "[i][j] = " + weight + "[wb + i]").close()
                .close();
        code.line("System.arraycopy(" + bias + ", 0, " + name + "BiasPadded, 0, " + out + ")")
                .line("int V = SPECIES.length()");
        code.open("for (int n = 0; n < batch; n += " + BLOCK + ")")
                .line("int count = Math.min(" + BLOCK + ", batch - n)")
                .open("for (int j = 0; j < " + out + "; j += 2 * V)")
                .line(name + "ForwardTile(n, count, j)")
                .close();
        scalar.copyOutSums(code);
        return ctx.method("Forward", "Forward pass: the bias plus the weights times the input, with the Vector API.", code.build());
    }

    private MethodSpec forwardTile() {
        return tile("ForwardTile", step.in().name(), in, in, name + "WeightT", name + "Sums", name + "BiasPadded",
                "Units j to j + 2V - 1 of examples n to n + count - 1: bias plus each input times its row of the transposed weights.");
    }

    private MethodSpec inputTile() {
        return tile("InputTile", step.outGrad().name(), out, out, name + "WeightRows", name + "InputGradRows", null,
                "Inputs j to j + 2V - 1 of the input gradient of examples n to n + count - 1: each output gradient times its weight row.");
    }

    /**
     * A tile of four examples by two vectors: {@code sums[b][j + lane] = init + sum over k of
     * scalar(b, k) * rows[k][j + lane]}, where scalar(b, k) is {@code src[(n + b) * width + k]}
     * (zero past the batch). Zero terms are not skipped as in the scalar op: with a branch in
     * the loop, C2 in Java 17 stores the sums to memory as objects, which made the loop 20 times
     * slower.
     */
    private MethodSpec tile(String suffix, String src, int width, int terms, String rows, String sums, String init,
            String javadoc) {
        var code = new Code();
        code.line("int V = SPECIES.length()");
        for (int b = 0; b < BLOCK; b++) {
            String start = init == null ? vt + ".zero(SPECIES)" : vt + ".fromArray(SPECIES, " + init + ", j)";
            String start1 = init == null ? "a" + b + "x0" : vt + ".fromArray(SPECIES, " + init + ", j + V)";
            code.line(vt + " a" + b + "x0 = " + start + ", a" + b + "x1 = " + start1);
        }
        code.loop("k", terms);
        scalar.blockValues(code, "s", src, width, "k");
        code.line(vt + " w0 = " + vt + ".fromArray(SPECIES, " + rows + "[k], j)")
                .line(vt + " w1 = " + vt + ".fromArray(SPECIES, " + rows + "[k], j + V)");
        for (int b = 0; b < BLOCK; b++) {
            code.line(vt + " v" + b + " = " + vt + ".broadcast(SPECIES, s" + b + ")")
                    .line("a" + b + "x0 = w0.fma(v" + b + ", a" + b + "x0)")
                    .line("a" + b + "x1 = w1.fma(v" + b + ", a" + b + "x1)");
        }
        code.close();
        for (int b = 0; b < BLOCK; b++) {
            code.line("a" + b + "x0.intoArray(" + sums + "[" + b + "], j)")
                    .line("a" + b + "x1.intoArray(" + sums + "[" + b + "], j + V)");
        }
        return MethodSpec.methodBuilder(name + suffix).addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "n").addParameter(int.class, "count").addParameter(int.class, "j")
                .addJavadoc(javadoc + "\n")
                .addCode(code.build()).build();
    }

    private MethodSpec backwardInput() {
        String dx = step.inGrad().name();
        String rows = name + "WeightRows";
        var code = new Code();
        code.loop("j", out).line("System.arraycopy(" + weight + ", j * " + in + ", " + rows + "[j], 0, " + in + ")").close();
        code.line("int V = SPECIES.length()");
        code.open("for (int n = 0; n < batch; n += " + BLOCK + ")")
                .line("int count = Math.min(" + BLOCK + ", batch - n)")
                .open("for (int j = 0; j < " + in + "; j += 2 * V)")
                .line(name + "InputTile(n, count, j)")
                .close()
                .loop("b", "count")
                .line("System.arraycopy(" + name + "InputGradRows[b], 0, " + dx + ", (n + b) * " + in + ", " + in + ")")
                .close();
        code.close();
        return ctx.method("BackwardInput", "Computes the gradient of the layer's input: the output gradient times the weights, with the Vector API.", code.build());
    }
}
