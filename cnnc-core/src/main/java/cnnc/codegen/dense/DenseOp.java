package cnnc.codegen.dense;

import cnnc.codegen.Activations;
import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.codegen.Scratch;
import cnnc.codegen.SharedLayout;
import cnnc.model.Layer;
import cnnc.plan.Step;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A fully connected layer, weights [units][inputs] as PyTorch's Linear. Every pass is axpy
 * loops over rows held as arrays of their own, indexed from zero: C2 in Java 17 vectorizes a
 * loop only when all its arrays are indexed alike. Examples go four at a time, so each weight
 * row is read from memory once per four examples. Forward adds input i times row i of the
 * transposed weights, and the input gradient adds output gradient j times weight row j, each
 * skipping the zeros that relu and MNIST's background leave and adding two rows a pass, so that
 * a sum is stored once per two multiply-adds; training transposes at each forward pass (the
 * weights change every step), inference once.
 */
public final class DenseOp implements LayerOp {
    /** Examples handled together. */
    static final int BLOCK = 4;
    /**
     * Weight rows a loop adds at once to four examples' sums: each sum is then loaded and stored
     * once per two multiply-adds. Three is faster with AVX-512's 32 vector registers, but slower
     * than one with AVX2's 16 (twelve broadcast inputs), and four is not vectorized at all.
     */
    static final int ROWS = 2;
    /** Weight rows a loop adds at once to a single example's sums. */
    static final int SINGLE_ROWS = 4;

    private final OpContext ctx;
    private final Step step;
    private final Precision p;
    private final String name;
    /** Inputs and outputs (units) per example. */
    private final int in, out;
    private final String weight, bias;
    private final Layer.Dense dense;

    public DenseOp(OpContext ctx, Layer.Dense dense) {
        this.ctx = ctx;
        this.dense = dense;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.name = ctx.name();
        in = dense.in().length();
        out = dense.units();
        weight = name + "Weight";
        bias = name + "Bias";
    }

    @Override
    public List<MethodSpec> methods() {
        return !ctx.training() ? List.of(forward()) : List.of(forward(), backward(ctx), backwardWeights(), backwardInput());
    }


    @Override
    public boolean reusesLayouts() {
        return ctx.training();
    }

    @Override
    public List<Scratch> scratch() {
        var scratch = new ArrayList<Scratch>();
        if (!dense.bias()) {
            scratch.addAll(ctx.zeroBias(out));
        }
        scratch.add(ctx.rows("Sums", BLOCK, String.valueOf(out)));
        scratch.add(Scratch.indexes(name + "Active", ctx.training() ? Math.max(in, out) : in));
        if (ctx.training()) {
            scratch.add(ctx.rows("WeightT", in, String.valueOf(out)));
            scratch.add(ctx.rows("WeightRows", out, String.valueOf(in)));
            scratch.add(ctx.rows("WeightGradRows", out, String.valueOf(in)));
            scratch.add(ctx.rows("InputRows", BLOCK, String.valueOf(in)));
            scratch.add(ctx.rows("InputGradRows", BLOCK, String.valueOf(in)));
        }
        return scratch;
    }

    @Override
    public List<SharedLayout> sharedLayouts() {
        return ctx.training() ? List.of()
                : List.of(new SharedLayout(name + "WeightT", "new " + p.keyword() + "[" + in + "][" + out + "]", weight, transpose()));
    }

    /** Fills {@code WeightT} with the weights transposed: row i holds input i's weight for each unit. */
    private CodeBlock transpose() {
        return new Code().loop("j", out).line("int wb = j * " + in)
                .loop("i", in).line(name + "WeightT[i][j] = " + weight + "[wb + i]").close()
                .close().build();
    }

    /** Copies the sums of examples n..n+count-1 into the output, activated; closes the example loop. */
    private void copyOutSums(Code code) {
        String y = step.out().name();
        code.loop("b", "count")
                .line("int ob = (n + b) * " + out)
                .line("System.arraycopy(" + name + "Sums[b], 0, " + y + ", ob, " + out + ")");
        Activations.activateRange(code, p, step, y, "ob", out);
        code.close().close();
    }

    /** Declares r0..r3 = rows[0..3] of a float[][] field. */
    private void blockRows(Code code, String prefix, String field) {
        for (int b = 0; b < BLOCK; b++) {
            code.line(p.keyword() + "[] " + prefix + b + " = " + field + "[" + b + "]");
        }
    }

    /** Declares v0..v3: element {@code index} of examples n..n+3 of {@code array}, zero past the batch. */
    private void blockValues(Code code, String prefix, String array, int width, String index) {
        for (int b = 0; b < BLOCK; b++) {
            String value = array + "[(n + " + b + ") * " + width + " + " + index + "]";
            code.line(p.keyword() + " " + prefix + b + " = " + (b == 0 ? value : "count > " + b + " ? " + value + " : " + p.literal(0)));
        }
    }

    private String allZero(String prefix) {
        var s = new StringBuilder();
        for (int b = 0; b < BLOCK; b++) {
            s.append(b == 0 ? "" : " && ").append(prefix).append(b).append(" == ").append(p.literal(0));
        }
        return s.toString();
    }

    private MethodSpec forward() {
        String x = step.in().name();
        String wt = name + "WeightT";
        var code = new Code();
        if (ctx.training()) {
            code.open("if (!layoutsCurrent)").add(transpose()).close();
        }
        blockRows(code, "s", name + "Sums");
        code.open("for (int n = 0; n < batch; n += " + BLOCK + ")")
                .line("int count = Math.min(" + BLOCK + ", batch - n)");
        for (int b = 0; b < BLOCK; b++) {
            code.line("System.arraycopy(" + bias + ", 0, s" + b + ", 0, " + out + ")");
        }
        addActiveRowsPerBlock(code, "s", name + "Sums", x, in, wt, out);
        copyOutSums(code);
        return ctx.method("Forward", "Forward pass: the bias plus each nonzero input times its row of the transposed weights.", code.build());
    }

    /**
     * Adds to the sums of examples n..n+count-1 (rows of {@code sumsField}, held in locals
     * {@code sums}0..3) the rows of {@code rowsField} scaled by their values in {@code values}
     * ({@code count} values an example): four examples at a time, a single one at a time at the
     * end of a batch, so no lane computes for an example that is not there.
     */
    private void addActiveRowsPerBlock(Code code, String sums, String sumsField, String values, int count, String rowsField,
            int rowLength) {
        code.open("if (count == " + BLOCK + ")");
        var blockSums = new ArrayList<String>();
        var bases = new ArrayList<String>();
        for (int b = 0; b < BLOCK; b++) {
            blockSums.add(sums + b);
            bases.add("(n + " + b + ") * " + count);
        }
        addActiveRows(code, blockSums, bases, ROWS, values, count, rowsField, rowLength);
        code.close();
        code.open("else").loop("b", "count")
                .line(p.keyword() + "[] sum = " + sumsField + "[b]")
                .line("int ib = (n + b) * " + count);
        addActiveRows(code, List.of("sum"), List.of("ib"), SINGLE_ROWS, values, count, rowsField, rowLength);
        code.close().close();
    }

    /**
     * Declares {@code counter} and lists, from {@code list[at + 0]} on, the indexes i below
     * {@code count} whose values {@code values[base + i]} are nonzero for any of the {@code bases};
     * {@code counter} ends as how many. Without a branch: every index is stored and the count
     * advanced by the comparison, joined with | rather than ||, since after a ReLU such a branch
     * misses about every other time.
     */
    static void listNonzero(Code code, Precision p, String list, String at, String counter, String values, List<String> bases,
            int count) {
        var anyNonzero = new StringBuilder();
        for (int e = 0; e < bases.size(); e++) {
            anyNonzero.append(e == 0 ? "" : " | ").append(values).append("[").append(bases.get(e)).append(" + i] != ")
                    .append(p.literal(0));
        }
        String nonzero = bases.size() > 1 ? "(" + anyNonzero + ")" : anyNonzero.toString();
        code.line("int " + counter + " = 0")
                .loop("i", count).line(list + "[" + at + counter + "] = i").line(counter + " += " + nonzero + " ? 1 : 0").close();
    }

    /**
     * Adds to each sum the rows of {@code rowsField} whose values are nonzero in any of its
     * examples, each scaled by its example's value, in row order and {@code rows} rows a pass:
     * each sum's element is then loaded and stored once per that many multiply-adds, and
     * {@code s + x0 * w0 + x1 * w1} adds in the same order as one row at a time. Example e's
     * {@code count} values start at {@code bases[e]} in {@code values}. The list of those rows is
     * made without a branch ({@link #listNonzero}).
     */
    private void addActiveRows(Code code, List<String> sums, List<String> bases, int rows, String values, int count,
            String rowsField, int rowLength) {
        String active = name + "Active";
        listNonzero(code, p, active, "", "m", values, bases, count);
        code.line("int k = 0")
                .open("for (; k + " + (rows - 1) + " < m; k += " + rows + ")");
        for (int r = 0; r < rows; r++) {
            code.line("int i" + r + " = " + active + "[k + " + r + "]");
        }
        for (int e = 0; e < sums.size(); e++) {
            for (int r = 0; r < rows; r++) {
                code.line(p.keyword() + " x" + e + r + " = " + values + "[" + bases.get(e) + " + i" + r + "]");
            }
        }
        for (int r = 0; r < rows; r++) {
            code.line(p.keyword() + "[] row" + r + " = " + rowsField + "[i" + r + "]");
        }
        code.loop("j", rowLength);
        for (int r = 0; r < rows; r++) {
            code.line(p.keyword() + " w" + r + " = row" + r + "[j]");
        }
        for (int e = 0; e < sums.size(); e++) {
            var sum = new StringBuilder(sums.get(e) + "[j] = " + sums.get(e) + "[j]");
            for (int r = 0; r < rows; r++) {
                sum.append(" + x").append(e).append(r).append(" * w").append(r);
            }
            code.line(sum.toString());
        }
        code.close().close();
        code.open("for (; k < m; k++)").line("int i = " + active + "[k]");
        for (int e = 0; e < sums.size(); e++) {
            code.line(p.keyword() + " x" + e + " = " + values + "[" + bases.get(e) + " + i]");
        }
        code.line(p.keyword() + "[] row = " + rowsField + "[i]").loop("j", rowLength);
        for (int e = 0; e < sums.size(); e++) {
            code.line(sums.get(e) + "[j] += x" + e + " * row[j]");
        }
        code.close().close();
    }

    /** The backward pass of either backend: the weight gradients, then the input's when wanted. */
    static MethodSpec backward(OpContext ctx) {
        var code = new Code();
        code.line(ctx.name() + "BackwardWeights(batch)");
        ctx.callInputBackward(code);
        return ctx.method("Backward", "Backward pass: gradients of the bias, the weights and the input.", code.build());
    }

    private MethodSpec backwardWeights() {
        String g = step.outGrad().name();
        String x = step.in().name();
        String gradRows = name + "WeightGradRows";
        var code = new Code();
        Activations.deriveRange(code, p, step, "batch * " + out);
        code.loop("j", out).line("java.util.Arrays.fill(" + gradRows + "[j], " + p.literal(0) + ")").close();
        blockRows(code, "x", name + "InputRows");
        code.open("for (int n = 0; n < batch; n += " + BLOCK + ")")
                .line("int count = Math.min(" + BLOCK + ", batch - n)");
        code.line("System.arraycopy(" + x + ", n * " + in + ", x0, 0, " + in + ")");
        for (int b = 1; b < BLOCK; b++) {
            // past the batch: zeros, so the zero gradients there add nothing (and no stale NaN)
            code.open("if (count > " + b + ")")
                    .line("System.arraycopy(" + x + ", (n + " + b + ") * " + in + ", x" + b + ", 0, " + in + ")")
                    .close()
                    .open("else").line("java.util.Arrays.fill(x" + b + ", " + p.literal(0) + ")").close();
        }
        code.loop("j", out);
        blockValues(code, "d", g, out, "j");
        code.line(bias + "Grad[j] += (d0 + d1) + (d2 + d3)")
                .open("if (" + allZero("d") + ")").line("continue").close()
                .line(p.keyword() + "[] gr = " + gradRows + "[j]")
                .loop("i", in)
                .line("gr[i] += d0 * x0[i] + d1 * x1[i] + d2 * x2[i] + d3 * x3[i]")
                .close()
                .close()
                .close();
        code.comment("the rows' sums into the flat gradient the optimizer reads");
        code.loop("j", out).line(p.keyword() + "[] gr = " + gradRows + "[j]").line("int wb = j * " + in)
                .loop("i", in).line(weight + "Grad[wb + i] += gr[i]").close()
                .close();
        return ctx.method("BackwardWeights", "Applies the activation's derivative, then accumulates the bias and weight gradients.", code.build());
    }

    private MethodSpec backwardInput() {
        String g = step.outGrad().name();
        String dx = step.inGrad().name();
        String rows = name + "WeightRows";
        var code = new Code();
        code.loop("j", out).line("System.arraycopy(" + weight + ", j * " + in + ", " + rows + "[j], 0, " + in + ")").close();
        blockRows(code, "e", name + "InputGradRows");
        code.open("for (int n = 0; n < batch; n += " + BLOCK + ")")
                .line("int count = Math.min(" + BLOCK + ", batch - n)");
        for (int b = 0; b < BLOCK; b++) {
            code.line("java.util.Arrays.fill(e" + b + ", " + p.literal(0) + ")");
        }
        addActiveRowsPerBlock(code, "e", name + "InputGradRows", g, out, rows, in);
        code.loop("b", "count")
                .line("System.arraycopy(" + name + "InputGradRows[b], 0, " + dx + ", (n + b) * " + in + ", " + in + ")")
                .close();
        code.close();
        return ctx.method("BackwardInput", "Computes the gradient of the layer's input: the output gradient times the weights.", code.build());
    }
}
