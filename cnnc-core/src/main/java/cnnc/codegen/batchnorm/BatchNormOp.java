package cnnc.codegen.batchnorm;

import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.codegen.Scratch;
import cnnc.model.Layer;
import cnnc.plan.Step;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Batch normalization, as PyTorch's BatchNorm2d and BatchNorm1d compute it: per channel, a scale
 * {@code weight / sqrt(var + eps)} and a shift {@code bias - mean * scale}, so each value takes one
 * multiply-add. Inference (and a frozen layer) uses the running averages.
 *
 * <p>Training uses the statistics of the whole batch, which a trainer may split over several
 * instances. So the work comes in pieces that the class's stages call with the other instances in
 * step ({@code StagedPasses}): {@code Statistics} writes each example's per-channel sums of x and
 * x^2 into its row of the shared {@code Sums}; {@code Forward} adds every row of the batch, in
 * example order and in double, which gives each instance the same mean and variance bit for bit
 * however the batch is split, then normalizes. Backward likewise: {@code BackwardSums} writes the
 * sums of dy and dy * xhat, {@code Backward} adds the rows and applies
 * {@code dx = scale * (dy - mean(dy) - xhat * mean(dy * xhat))}. The instance that holds the batch's
 * first example updates the running averages, once per batch: the mean, and the unbiased variance
 * (as PyTorch; the normalization itself uses the biased one).
 */
public final class BatchNormOp implements LayerOp {
    private final OpContext ctx;
    private final Step step;
    private final Precision p;
    private final Layer.BatchNorm bn;
    private final String name;
    private final int channels;
    private final int plane;
    /** Whether this class normalizes with batch statistics while training (not for inference, nor frozen). */
    private final boolean batchStatistics;

    public BatchNormOp(OpContext ctx, Layer.BatchNorm bn) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.bn = bn;
        this.name = ctx.name();
        this.channels = bn.channels();
        this.plane = bn.plane();
        this.batchStatistics = ctx.training() && bn.needsBatchStatistics();
    }

    /** Doubles per example in a row of the shared sums: x, x^2, dy and dy * xhat, each per channel. */
    public static int rowLength(Layer.BatchNorm bn) {
        return 4 * bn.channels();
    }

    /** The field that holds the rows of the batch this instance takes part in. */
    public static String sumsField(Layer.BatchNorm bn) {
        return bn.name() + "Sums";
    }

    /** A cast of a double to the number type, where it narrows. */
    private String narrow() {
        return p == Precision.FLOAT ? "(float) " : "";
    }

    @Override
    public List<Scratch> scratch() {
        var scratch = new ArrayList<Scratch>();
        scratch.add(ctx.buffer("Mean", String.valueOf(channels)));
        scratch.add(ctx.buffer("InvStd", String.valueOf(channels)));
        if (batchStatistics) {
            scratch.add(Scratch.buffer(Precision.DOUBLE, name + "GradMeans", String.valueOf(2 * channels)));
            scratch.add(new Scratch(FieldSpec.builder(double[].class, sumsField(bn), Modifier.PRIVATE).build(), null));
        }
        return scratch;
    }

    @Override
    public boolean forwardTakesTraining() {
        return batchStatistics;
    }

    @Override
    public List<MethodSpec> methods() {
        if (!ctx.training()) {
            return List.of(forward());
        }
        if (!batchStatistics) {
            return List.of(forward(), backward());
        }
        return List.of(statistics(), forward(), backwardSums(), backward());
    }

    /** Opens loops over examples and channels; defines i, the start of the channel's plane. */
    private void openPlanes(Code code) {
        code.loop("n", "batch").loop("ch", channels)
                .line(plane == 1 ? "int i = n * " + channels + " + ch" : "int i = (n * " + channels + " + ch) * " + plane);
    }

    /** Opens a loop over the channels that sums column {@code offset + ch} of every row of the batch into s0, s1. */
    private void openTotals(Code code, int first, int second) {
        int row = 4 * channels;
        code.loop("ch", channels)
                .line("double s0 = 0, s1 = 0")
                .open("for (int e = 0; e < batchExamples; e++)")
                .line("s0 += " + sumsField(bn) + "[e * " + row + " + " + first + " + ch]")
                .line("s1 += " + sumsField(bn) + "[e * " + row + " + " + second + " + ch]")
                .close()
                .line("double count = (double) batchExamples * " + plane);
    }

    private MethodSpec statistics() {
        var code = new Code();
        String in = step.in().name();
        openPlanes(code);
        sumOverPlane(code, "sum", "squares", j -> in + "[i + " + j + "]", (a, v) -> a + " * " + a);
        code.line("int row = (sliceStart + n) * " + 4 * channels)
                .line(sumsField(bn) + "[row + ch] = sum")
                .line(sumsField(bn) + "[row + " + channels + " + ch] = squares")
                .close().close();
        return ctx.method("Statistics", "Each example's sums of x and x^2 per channel, into its row of the batch's sums.",
                code.build());
    }

    /**
     * Declares {@code first} and {@code second}, the sums over the plane at i of {@code value(j)} and of
     * {@code term(a, j)} where a is that value: in double, in four chains each so that the adds overlap (a
     * single chain would wait on each add; C2 keeps floating-point sums in order and so in one chain).
     */
    private void sumOverPlane(Code code, String first, String second, java.util.function.UnaryOperator<String> value,
            java.util.function.BinaryOperator<String> term) {
        if (plane == 1) {
            code.line("double " + first + " = " + value.apply("0")).line("double " + second + " = " + term.apply(first, "0"));
            return;
        }
        int chains = Math.min(4, plane);
        var zeros = new StringBuilder();
        for (int c = 0; c < chains; c++) {
            zeros.append(c == 0 ? "" : ", ").append("a").append(c).append(" = 0, b").append(c).append(" = 0");
        }
        code.line("double " + zeros);
        int whole = plane / chains * chains;
        code.open("for (int j = 0; j < " + whole + "; j += " + chains + ")");
        for (int c = 0; c < chains; c++) {
            String j = c == 0 ? "j" : "j + " + c;
            code.line("double v" + c + " = " + value.apply(j))
                    .line("a" + c + " += v" + c)
                    .line("b" + c + " += " + term.apply("v" + c, j));
        }
        code.close();
        for (int j = whole; j < plane; j++) {
            code.line("double v" + (j - whole) + "Tail = " + value.apply(String.valueOf(j)))
                    .line("a0 += v" + (j - whole) + "Tail")
                    .line("b0 += " + term.apply("v" + (j - whole) + "Tail", String.valueOf(j)));
        }
        code.line("double " + first + " = " + pairwise("a", chains)).line("double " + second + " = " + pairwise("b", chains));
    }

    /** {@code (x0 + x1) + (x2 + x3)} for four chains, fewer for fewer. */
    private static String pairwise(String x, int chains) {
        return switch (chains) {
            case 1 -> x + "0";
            case 2 -> x + "0 + " + x + "1";
            case 3 -> "(" + x + "0 + " + x + "1) + " + x + "2";
            default -> "(" + x + "0 + " + x + "1) + (" + x + "2 + " + x + "3)";
        };
    }

    private MethodSpec forward() {
        var code = new Code();
        String t = p.keyword();
        double momentum = bn.momentum();
        // PyTorch's momentum, written as the user would write it (1 - 0.99 is 0.010000000000000009 in double)
        double update = new java.math.BigDecimal(Double.toString(1)).subtract(new java.math.BigDecimal(Double.toString(momentum)))
                .doubleValue();
        if (batchStatistics) {
            code.open("if (training)");
            code.comment("every instance adds the same rows in the same order, so all get the same statistics");
            openTotals(code, 0, channels);
            code.line("double mean = s0 / count")
                    .comment("the biased variance normalizes; clamped, as rounding can take it just below 0")
                    .line("double variance = Math.max(s1 / count - mean * mean, 0)")
                    .line(name + "Mean[ch] = " + narrow() + "mean")
                    .line(name + "InvStd[ch] = " + narrow() + "(1 / Math.sqrt(variance + " + bn.epsilon() + "))")
                    .open("if (sliceStart == 0)")
                    .comment("the running variance is the unbiased one (PyTorch's)")
                    .line("double unbiased = count > 1 ? variance * count / (count - 1) : variance")
                    .line(name + "RunningMean[ch] = " + narrow() + "(" + momentum + " * " + name + "RunningMean[ch] + "
                            + update + " * mean)")
                    .line(name + "RunningVar[ch] = " + narrow() + "(" + momentum + " * " + name + "RunningVar[ch] + "
                            + update + " * unbiased)")
                    .close()
                    .close();
            code.next("else");
        }
        code.loop("ch", channels)
                .line(name + "Mean[ch] = " + name + "RunningMean[ch]")
                .line(name + "InvStd[ch] = " + narrow() + "(1 / Math.sqrt(" + name + "RunningVar[ch] + " + bn.epsilon() + "))")
                .close();
        if (batchStatistics) {
            code.close();
        }
        String in = step.in().name();
        String out = step.out().name();
        openPlanes(code);
        code.line(t + " scale = " + name + "Weight[ch] * " + name + "InvStd[ch]")
                .line(t + " shift = " + name + "Bias[ch] - " + name + "Mean[ch] * scale")
                .loop("j", plane).line(out + "[i + j] = " + in + "[i + j] * scale + shift").close()
                .close().close();
        String doc = batchStatistics
                ? "Forward pass: normalized with the batch's statistics while training, else with the running averages."
                : "Forward pass: normalized with the running averages.";
        var method = ctx.method("Forward", doc);
        if (batchStatistics) {
            method.addParameter(boolean.class, "training");
        }
        return method.addCode(code.build()).build();
    }

    private MethodSpec backwardSums() {
        var code = new Code();
        String in = step.in().name();
        String grad = step.outGrad().name();
        openPlanes(code);
        code.line("double mean = " + name + "Mean[ch]")
                .line("double invStd = " + name + "InvStd[ch]");
        sumOverPlane(code, "gradSum", "gradXhatSum", j -> grad + "[i + " + j + "]",
                (g, j) -> g + " * ((" + in + "[i + " + j + "] - mean) * invStd)");
        code.line("int row = (sliceStart + n) * " + 4 * channels)
                .line(sumsField(bn) + "[row + " + 2 * channels + " + ch] = gradSum")
                .line(sumsField(bn) + "[row + " + 3 * channels + " + ch] = gradXhatSum")
                .close().close();
        return ctx.method("BackwardSums", "Each example's sums of dy and dy * xhat per channel, into its row of the batch's sums.",
                code.build());
    }

    private MethodSpec backward() {
        var code = new Code();
        String t = p.keyword();
        String in = step.in().name();
        String dIn = step.inGrad().name();
        String grad = step.outGrad().name();
        if (batchStatistics) {
            openTotals(code, 2 * channels, 3 * channels);
            code.line(name + "GradMeans[ch] = s0 / count")
                    .line(name + "GradMeans[" + channels + " + ch] = s1 / count")
                    .comment("the scale's and shift's gradients over this instance's examples; the trainer adds the instances'")
                    .line("double weight = 0, bias = 0")
                    .loop("n", "batch")
                    .line("int row = (sliceStart + n) * " + 4 * channels)
                    .line("bias += " + sumsField(bn) + "[row + " + 2 * channels + " + ch]")
                    .line("weight += " + sumsField(bn) + "[row + " + 3 * channels + " + ch]")
                    .close()
                    .line(name + "WeightGrad[ch] += " + narrow() + "weight")
                    .line(name + "BiasGrad[ch] += " + narrow() + "bias")
                    .close();
        } else {
            // a frozen layer's scale and shift do not train, but their gradients are there, as a frozen conv's are
            code.loop("ch", channels)
                    .line("double mean = " + name + "Mean[ch]")
                    .line("double invStd = " + name + "InvStd[ch]")
                    .line("double weight = 0, bias = 0")
                    .loop("n", "batch")
                    .line(plane == 1 ? "int i = n * " + channels + " + ch" : "int i = (n * " + channels + " + ch) * " + plane)
                    .loop("j", plane)
                    .line("double g = " + grad + "[i + j]")
                    .line("bias += g")
                    .line("weight += g * ((" + in + "[i + j] - mean) * invStd)")
                    .close()
                    .close()
                    .line(name + "WeightGrad[ch] += " + narrow() + "weight")
                    .line(name + "BiasGrad[ch] += " + narrow() + "bias")
                    .close();
        }
        if (step.inGradOnDemand()) {
            code.open("if (inputGradientEnabled)");
        }
        openPlanes(code);
        code.line(t + " scale = " + name + "Weight[ch] * " + name + "InvStd[ch]");
        if (batchStatistics) {
            code.line(t + " mean = " + name + "Mean[ch]")
                    .line(t + " invStd = " + name + "InvStd[ch]")
                    .line(t + " meanGrad = " + narrow() + "" + name + "GradMeans[ch]")
                    .line(t + " meanGradXhat = " + narrow() + "" + name + "GradMeans[" + channels + " + ch]")
                    .loop("j", plane)
                    .line(dIn + "[i + j] = scale * (" + grad + "[i + j] - meanGrad - (" + in + "[i + j] - mean) * invStd * meanGradXhat)")
                    .close();
        } else {
            code.loop("j", plane).line(dIn + "[i + j] = " + grad + "[i + j] * scale").close();
        }
        code.close().close();
        if (step.inGradOnDemand()) {
            code.close();
        }
        return ctx.method("Backward", batchStatistics
                ? "Backward pass: through the batch's statistics, and the scale's and shift's gradients."
                : "Backward pass: through the scale of the running averages, which do not change while training.",
                code.build());
    }
}
