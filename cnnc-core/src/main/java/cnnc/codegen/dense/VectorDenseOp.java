package cnnc.codegen.dense;

import cnnc.codegen.Activations;
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
import java.util.function.IntFunction;
import javax.lang.model.element.Modifier;

/**
 * A fully connected layer for the {@link Backend#VECTOR} backend: its three products as
 * register-blocked matrix products on the Vector API, each a tile of sixteen vector sums that stay
 * in registers, so that every vector loaded feeds four multiply-adds.
 * <ul>
 * <li>forward, {@code y[b][j] = bias[j] + sum over i of x[b][i] w[j][i]}, while training: four
 *     examples by four units, the sums running along the rows of both, which lie in memory as they
 *     are (no copy of the weights for a slice of a few dozen examples);
 * <li>forward in inference (evaluation, prediction, validation): four examples by four vectors of
 *     units, the weights copied into panels of units, input-major, and each sum a chain of
 *     multiply-adds over the inputs that are nonzero in any of the four examples, in order. No sum
 *     is reduced across lanes, the inputs' zeros cost nothing, and an output's bits depend neither
 *     on the vector length nor on the other examples;
 * <li>input gradient, {@code dx[b][i] = sum over j of dy[b][j] w[j][i]}: four examples by four
 *     vectors of inputs, each weight vector times four broadcast output gradients;
 * <li>weight gradient, {@code dw[j][i] += sum over b of dy[b][j] x[b][i]}: four units by four
 *     vectors of inputs, summed over the whole batch in registers and added to the gradient once.
 * </ul>
 * Where the sizes do not divide, tiles of one unit or one vector and then scalar loops finish the
 * work; examples past the end of a batch read the last example again and are not stored, so no
 * test runs inside the loops.
 */
public final class VectorDenseOp implements LayerOp {
    private static final int EXAMPLES = DenseOp.BLOCK;
    /** Units, or vectors of inputs, per tile. */
    private static final int WIDE = 4;
    /**
     * Values up to which a training class keeps every panel of a layer, so that inference passes
     * over held weights copy them once: 8 MB a layer and instance at most. VGG-16's first dense
     * layer (103 million weights), or a layer of a few units over a million inputs, copies one
     * panel at a time at every pass instead.
     */
    private static final long KEPT_PANELS = 1 << 21;
    /** The widest vector of floats that {@link #KEPT_PANELS} reckons with (AVX-512's). */
    private static final int LANES = 16;

    private final OpContext ctx;
    private final Step step;
    private final Precision p;
    private final String name;
    private final Layer.Dense dense;
    private final String vt;
    private final int in, out;
    private final String weight, bias;

    public VectorDenseOp(OpContext ctx, Layer.Dense dense) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.name = ctx.name();
        this.dense = dense;
        vt = VectorTypes.vectorClass(p);
        in = dense.in().length();
        out = dense.units();
        weight = name + "Weight";
        bias = name + "Bias";
    }

    @Override
    public List<Scratch> scratch() {
        String blocks = "((maxBatch + " + (EXAMPLES - 1) + ") / " + EXAMPLES + ")";
        var scratch = new ArrayList<Scratch>(dense.bias() ? List.of() : ctx.zeroBias(out));
        scratch.add(Scratch.indexes(name + "Listed", blocks + " * " + in));
        scratch.add(Scratch.indexes(name + "Counts", blocks));
        // kept panels end at most 3V units past the last unit (a last panel of four vectors holds
        // more than one vector's worth); a single panel is one vector wide where that holds all units
        scratch.add(ctx.buffer("Panel", keepsPanels() ? in + " * (" + out + " + " + (WIDE - 1) + " * SPECIES.length())"
                : in + " * (" + out + " > SPECIES.length() ? " + WIDE + " : 1) * SPECIES.length()"));
        scratch.add(ctx.buffer("Lanes", (ctx.training() ? EXAMPLES * WIDE : WIDE) + " * SPECIES.length()"));
        return scratch;
    }

    /** Whether every panel stays, for inference passes over held weights to reuse. */
    private boolean keepsPanels() {
        return ctx.training() && (long) in * (out + (WIDE - 1) * LANES) <= KEPT_PANELS;
    }

    @Override
    public boolean reusesLayouts() {
        return keepsPanels();
    }

    @Override
    public boolean forwardTakesTraining() {
        return ctx.training();
    }

    @Override
    public List<MethodSpec> methods() {
        if (!ctx.training()) {
            return List.of(forward(), forwardPanels(), pack(), forwardTile(WIDE), forwardTile(1));
        }
        return List.of(forward(), DenseOp.backward(ctx), backwardWeights(), backwardInput(), forwardRows(), rowTile(WIDE),
                rowTile(1), forwardPanels(), pack(), forwardTile(WIDE), forwardTile(1),
                weightTile(WIDE, WIDE), weightTile(WIDE, 1), weightTile(1, WIDE), weightTile(1, 1),
                inputTile(WIDE), inputTile(1));
    }

    private String zero() {
        return vt + ".zero(SPECIES)";
    }

    private String load(String array, String index) {
        return vt + ".fromArray(SPECIES, " + array + ", " + index + ")";
    }

    /** Declares the tile's sums a00, a01, ...: {@code rows} rows of {@code columns} zero vectors. */
    private void zeroSums(Code code, int rows, int columns) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                code.line(vt + " a" + r + c + " = " + zero());
            }
        }
    }

    /**
     * A step of the weight and input gradients' tiles, an outer product added to the sums: loads
     * the vectors {@code name}0.. ({@code vector} gives each one's load), then broadcasts each
     * row's value d0.. ({@code scalar} gives its element) and adds its products with them,
     * {@code a[r][c] += name[c] * d[r]}.
     */
    private void addOuterProduct(Code code, String name, int vectors, IntFunction<String> vector, int rows,
            IntFunction<String> scalar) {
        for (int c = 0; c < vectors; c++) {
            code.line(vt + " " + name + c + " = " + vector.apply(c));
        }
        for (int r = 0; r < rows; r++) {
            code.line(vt + " d" + r + " = " + vt + ".broadcast(SPECIES, " + scalar.apply(r) + ")");
            for (int c = 0; c < vectors; c++) {
                code.line("a" + r + c + " = " + name + c + ".fma(d" + r + ", a" + r + c + ")");
            }
        }
    }

    /** Declares xo0..xo3: where examples n..n+3 start in an array of rows of {@code width}, the last one repeated past the batch. */
    private void exampleOffsets(Code code, String prefix, int width) {
        code.line("int " + prefix + "0 = n * " + width);
        for (int b = 1; b < EXAMPLES; b++) {
            code.line("int " + prefix + b + " = (n + Math.min(" + b + ", count - 1)) * " + width);
        }
    }

    /**
     * Training runs slices of a few dozen examples, too few to pay for copying the weights into
     * panels (a copy a slice at every step); inference runs hundreds of examples a thread.
     */
    private MethodSpec forward() {
        var code = new Code();
        if (ctx.training()) {
            code.open("if (training)").line(name + "ForwardRows(batch)")
                    .next("else").line(name + "ForwardPanels(batch)").close();
        } else {
            code.line(name + "ForwardPanels(batch)");
        }
        String y = step.out().name();
        code.loop("b", "batch").line("int ob = b * " + out);
        Activations.activateRange(code, p, step, y, "ob", out);
        code.close();
        var method = ctx.method("Forward", "Forward pass: the bias plus the weights times the input, in register tiles.");
        if (ctx.training()) {
            method.addParameter(boolean.class, "training");
        }
        return method.addCode(code.build()).build();
    }

    private MethodSpec forwardRows() {
        var code = new Code();
        // units outermost: a tile's four weight rows stay in the first-level cache for the whole
        // batch, whose inputs stream from the second; the other way round the weights, megabytes
        // in a wide layer, would stream from the third for every four examples
        code.line("int unit = 0");
        for (int units : new int[] {WIDE, 1}) {
            code.open(units == 1 ? "for (; unit < " + out + "; unit++)" : "for (; unit <= " + (out - WIDE) + "; unit += " + WIDE + ")")
                    .open("for (int n = 0; n < batch; n += " + EXAMPLES + ")")
                    .line(name + "RowTile" + units + "(n, Math.min(" + EXAMPLES + ", batch - n), unit)")
                    .close().close();
        }
        return tileMethod("ForwardRows", "The bias plus the weights times the input, before the activation, as training runs"
                + " it: register tiles along the weight rows as they lie.", code).addParameter(int.class, "batch").build();
    }

    /** Units j..j+units-1 of examples n..n+count-1, before the activation. */
    private MethodSpec rowTile(int units) {
        String x = step.in().name();
        String y = step.out().name();
        var code = new Code();
        code.line("int V = SPECIES.length()");
        exampleOffsets(code, "xo", in);
        for (int u = 0; u < units; u++) {
            code.line("int w" + u + " = (j + " + u + ") * " + in);
        }
        zeroSums(code, EXAMPLES, units);
        code.line("int i = 0").open("for (; i <= " + in + " - V; i += V)");
        for (int b = 0; b < EXAMPLES; b++) {
            code.line(vt + " x" + b + " = " + load(x, "xo" + b + " + i"));
        }
        for (int u = 0; u < units; u++) {
            code.line(vt + " v" + u + " = " + load(weight, "w" + u + " + i"));
            for (int b = 0; b < EXAMPLES; b++) {
                code.line("a" + b + u + " = x" + b + ".fma(v" + u + ", a" + b + u + ")");
            }
        }
        code.close();
        // each sum's lanes added in order, as Java 17 adds them (SharedMethods.ADD_IN_ORDER says
        // why), all the tile's sums in one loop so that their chains of additions overlap
        String lanes = name + "Lanes";
        for (int b = 0; b < EXAMPLES; b++) {
            for (int u = 0; u < units; u++) {
                code.line("a" + b + u + ".intoArray(" + lanes + ", " + (b * units + u) + " * V)");
                code.line(p.keyword() + " s" + b + u + " = " + p.literal(0));
            }
        }
        code.open("for (int l = 0; l < V; l++)");
        for (int b = 0; b < EXAMPLES; b++) {
            for (int u = 0; u < units; u++) {
                code.line("s" + b + u + " += " + lanes + "[" + (b * units + u) + " * V + l]");
            }
        }
        code.close();
        code.open("for (; i < " + in + "; i++)");
        for (int u = 0; u < units; u++) {
            code.line(p.keyword() + " v" + u + " = " + weight + "[w" + u + " + i]");
        }
        for (int b = 0; b < EXAMPLES; b++) {
            code.line(p.keyword() + " x" + b + " = " + x + "[xo" + b + " + i]");
            for (int u = 0; u < units; u++) {
                code.line("s" + b + u + " += x" + b + " * v" + u);
            }
        }
        code.close();
        for (int b = 0; b < EXAMPLES; b++) {
            if (b > 0) {
                code.open("if (count > " + b + ")");
            }
            code.line("int y" + b + " = (n + " + b + ") * " + out + " + j");
            for (int u = 0; u < units; u++) {
                code.line(y + "[y" + b + " + " + u + "] = s" + b + u + " + " + bias + "[j + " + u + "]");
            }
            if (b > 0) {
                code.close();
            }
        }
        return tileMethod("RowTile" + units, "Units j to j + " + (units - 1) + " of examples n to n + count - 1, before the"
                + " activation: four examples by " + units + " unit" + (units == 1 ? "" : "s") + ", summed along the rows.", code)
                .addParameter(int.class, "n").addParameter(int.class, "count").addParameter(int.class, "j").build();
    }

    private MethodSpec forwardPanels() {
        String x = step.in().name();
        var code = new Code();
        code.line("int V = SPECIES.length()");
        // each block of four examples lists the inputs that are nonzero in any of them (MNIST's
        // background, ReLU's zeros). A zero input adds nothing to a sum, so skipping it leaves
        // the bits as they were.
        code.line("int blocks = (batch + " + (EXAMPLES - 1) + ") / " + EXAMPLES)
                .open("for (int block = 0; block < blocks; block++)")
                .line("int n = block * " + EXAMPLES)
                .line("int count = Math.min(" + EXAMPLES + ", batch - n)");
        exampleOffsets(code, "xo", in);
        code.line("int lo = block * " + in);
        var offsets = new ArrayList<String>();
        for (int b = 0; b < EXAMPLES; b++) {
            offsets.add("xo" + b);
        }
        DenseOp.listNonzero(code, p, name + "Listed", "lo + ", "listed", x, offsets, in);
        code.line(name + "Counts[block] = listed").close();
        // units in panels of four vectors, each copied input-major once (its weight columns side
        // by side: about 200 KB for 784 inputs) and then used by every block of examples while it
        // is in the second-level cache; the last panel, zero-padded, is one vector wide if that is enough
        code.open("for (int unit = 0; unit < " + out + "; unit += " + WIDE + " * V)")
                .line("int units = Math.min(" + WIDE + " * V, " + out + " - unit)")
                .line("int vectors = units > V ? " + WIDE + " : 1")
                .line("int at = " + (keepsPanels() ? "unit * " + in : "0"));
        if (keepsPanels()) {
            code.open("if (!layoutsCurrent)").line(name + "Pack(unit, units, vectors * V, at)").close();
        } else {
            code.line(name + "Pack(unit, units, vectors * V, at)");
        }
        code.open("for (int block = 0; block < blocks; block++)")
                .line("int count = Math.min(" + EXAMPLES + ", batch - block * " + EXAMPLES + ")")
                .open("if (vectors == " + WIDE + ")").line(name + "ForwardTile" + WIDE + "(block, count, unit, units, at)")
                .next("else").line(name + "ForwardTile1(block, count, unit, units, at)").close()
                .close().close();
        return tileMethod("ForwardPanels", "The bias plus the weights times the input, before the activation, as inference"
                + " runs it: register tiles over the inputs that are not zero, the weights copied into panels.", code)
                .addParameter(int.class, "batch").build();
    }

    /** Copies the weights of units j..j+units-1 into the panel, input by input, {@code width} values a row, zeros past the units. */
    private MethodSpec pack() {
        var code = new Code();
        // input by input: the panel is written in order, and the rows being read, a cache line
        // each, stay in the first-level cache for the 16 inputs that line holds
        code.loop("i", in).line("int po = at + i * width")
                .loop("u", "units").line(name + "Panel[po + u] = " + weight + "[(j + u) * " + in + " + i]").close()
                .open("for (int u = units; u < width; u++)").line(name + "Panel[po + u] = " + p.literal(0)).close()
                .close();
        return tileMethod("Pack", "Copies the weights of units j to j + units - 1 into the panel at {@code at}, input-major,"
                + " width values a row (zeros past the units), so that a vector loads one input's weights of several units.", code)
                .addParameter(int.class, "j").addParameter(int.class, "units").addParameter(int.class, "width")
                .addParameter(int.class, "at").build();
    }

    /**
     * Units j..j+units-1 (of a panel {@code vectors} vectors wide) of the block's examples, before
     * the activation: each sum a chain of multiply-adds over the listed inputs in order, so its
     * bits depend neither on the vector length nor on the other examples of the block.
     */
    private MethodSpec forwardTile(int vectors) {
        String y = step.out().name();
        var code = new Code();
        code.line("int V = SPECIES.length()")
                .line("int width = " + (vectors == 1 ? "V" : vectors + " * V"))
                .line("int lo = block * " + in)
                .line("int listed = " + name + "Counts[block]");
        code.line("int n = block * " + EXAMPLES);
        exampleOffsets(code, "xo", in);
        zeroSums(code, EXAMPLES, vectors);
        code.open("for (int c = 0; c < listed; c++)")
                .line("int i = " + name + "Listed[lo + c]")
                .line("int wo = at + i * width");
        addOuterProduct(code, "w", vectors, c -> load(name + "Panel", "wo + " + c + " * V"), EXAMPLES,
                b -> step.in().name() + "[xo" + b + " + i]");
        code.close();
        for (int b = 0; b < EXAMPLES; b++) {
            if (b > 0) {
                code.open("if (count > " + b + ")");
            }
            code.line("int y" + b + " = (n + " + b + ") * " + out + " + j").open("if (units == width)");
            for (int c = 0; c < vectors; c++) {
                code.line("a" + b + c + ".add(" + load(bias, "j + " + c + " * V") + ").intoArray(" + y + ", y" + b + " + " + c + " * V)");
            }
            // a last panel narrower than its vectors: its sums go through the lanes buffer
            code.next("else");
            for (int c = 0; c < vectors; c++) {
                code.line("a" + b + c + ".intoArray(" + name + "Lanes, " + c + " * V)");
            }
            code.loop("u", "units").line(y + "[y" + b + " + u] = " + name + "Lanes[u] + " + bias + "[j + u]").close().close();
            if (b > 0) {
                code.close();
            }
        }
        return tileMethod("ForwardTile" + vectors, "Units j to j + units - 1 of block {@code block}'s count examples, before the"
                + " activation: four examples by " + (vectors == 1 ? "one vector" : vectors + " vectors") + " of units, over the"
                + " listed inputs.", code)
                .addParameter(int.class, "block").addParameter(int.class, "count").addParameter(int.class, "j")
                .addParameter(int.class, "units").addParameter(int.class, "at").build();
    }

    private MethodSpec backwardWeights() {
        String g = step.outGrad().name();
        var code = new Code();
        Activations.deriveRange(code, p, step, "batch * " + out);
        code.loop("b", "batch").line("int go = b * " + out)
                .loop("j", out).line(bias + "Grad[j] += " + g + "[go + j]").close()
                .close();
        code.line("int V = SPECIES.length()").line("int i = 0");
        for (int vectors : new int[] {WIDE, 1}) {
            code.open("for (; i <= " + in + " - " + (vectors == 1 ? "V" : vectors + " * V") + "; i += " + (vectors == 1 ? "V" : vectors + " * V") + ")")
                    .line("int j = 0")
                    .open("for (; j <= " + (out - WIDE) + "; j += " + WIDE + ")").line(name + "WeightTile" + WIDE + "x" + vectors + "(batch, i, j)").close()
                    .open("for (; j < " + out + "; j++)").line(name + "WeightTile1x" + vectors + "(batch, i, j)").close()
                    .close();
        }
        String x = step.in().name();
        code.open("for (; i < " + in + "; i++)").loop("j", out)
                .line(p.keyword() + " s = " + p.literal(0))
                .loop("b", "batch").line("s += " + g + "[b * " + out + " + j] * " + x + "[b * " + in + " + i]").close()
                .line(weight + "Grad[j * " + in + " + i] += s")
                .close().close();
        return ctx.method("BackwardWeights", "Applies the activation's derivative, then adds the batch's bias and weight gradients.", code.build());
    }

    /** Units j..j+units-1 by vectors of inputs from i: the weight gradient summed over the batch. */
    private MethodSpec weightTile(int units, int vectors) {
        String g = step.outGrad().name();
        String x = step.in().name();
        var code = new Code();
        code.line("int V = SPECIES.length()");
        zeroSums(code, units, vectors);
        code.loop("b", "batch").line("int xo = b * " + in + " + i").line("int go = b * " + out + " + j");
        addOuterProduct(code, "x", vectors, c -> load(x, "xo + " + c + " * V"), units, u -> g + "[go + " + u + "]");
        code.close();
        String dw = weight + "Grad";
        for (int u = 0; u < units; u++) {
            for (int c = 0; c < vectors; c++) {
                String at = "(j + " + u + ") * " + in + " + i + " + c + " * V";
                code.line(load(dw, at) + ".add(a" + u + c + ").intoArray(" + dw + ", " + at + ")");
            }
        }
        return tileMethod("WeightTile" + units + "x" + vectors, "The weight gradient of units j to j + " + (units - 1)
                + " and inputs i to i + " + (vectors == 1 ? "" : vectors + " * ") + "V - 1, summed over the batch in registers.", code)
                .addParameter(int.class, "batch").addParameter(int.class, "i").addParameter(int.class, "j").build();
    }

    private MethodSpec backwardInput() {
        String g = step.outGrad().name();
        String dx = step.inGrad().name();
        var code = new Code();
        code.line("int V = SPECIES.length()");
        code.open("for (int n = 0; n < batch; n += " + EXAMPLES + ")")
                .line("int count = Math.min(" + EXAMPLES + ", batch - n)")
                .line("int i = 0")
                .open("for (; i <= " + in + " - " + WIDE + " * V; i += " + WIDE + " * V)").line(name + "InputTile" + WIDE + "(n, count, i)").close()
                .open("for (; i <= " + in + " - V; i += V)").line(name + "InputTile1(n, count, i)").close()
                .open("for (; i < " + in + "; i++)")
                .loop("b", "count")
                .line("int go = (n + b) * " + out)
                .line(p.keyword() + " s = " + p.literal(0))
                .loop("j", out).line("s += " + g + "[go + j] * " + weight + "[j * " + in + " + i]").close()
                .line(dx + "[(n + b) * " + in + " + i] = s")
                .close().close()
                .close();
        return ctx.method("BackwardInput", "Computes the gradient of the layer's input, the output gradient times the weights, in register tiles.",
                code.build());
    }

    /** Inputs i..i+vectors*V-1 of the input gradient of examples n..n+count-1. */
    private MethodSpec inputTile(int vectors) {
        String g = step.outGrad().name();
        String dx = step.inGrad().name();
        var code = new Code();
        code.line("int V = SPECIES.length()");
        exampleOffsets(code, "go", out);
        zeroSums(code, EXAMPLES, vectors);
        code.loop("j", out).line("int wo = j * " + in + " + i");
        addOuterProduct(code, "w", vectors, c -> load(weight, "wo + " + c + " * V"), EXAMPLES, b -> g + "[go" + b + " + j]");
        code.close();
        for (int b = 0; b < EXAMPLES; b++) {
            if (b > 0) {
                code.open("if (count > " + b + ")");
            }
            for (int c = 0; c < vectors; c++) {
                code.line("a" + b + c + ".intoArray(" + dx + ", (n + " + b + ") * " + in + " + i + " + c + " * V)");
            }
            if (b > 0) {
                code.close();
            }
        }
        return tileMethod("InputTile" + vectors, "Inputs i to i + " + (vectors == 1 ? "" : vectors + " * ") + "V - 1 of the input"
                + " gradient of examples n to n + count - 1: each weight vector times four output gradients.", code)
                .addParameter(int.class, "n").addParameter(int.class, "count").addParameter(int.class, "i").build();
    }

    private MethodSpec.Builder tileMethod(String suffix, String javadoc, Code code) {
        return MethodSpec.methodBuilder(name + suffix).addModifiers(Modifier.PRIVATE)
                .addJavadoc(javadoc + "\n")
                .addCode(code.build());
    }
}
