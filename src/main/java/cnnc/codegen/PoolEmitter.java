package cnnc.codegen;

import cnnc.ast.PoolKind;
import cnnc.model.Layer;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.ArrayTypeName;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Max or average pooling with the window's compares or adds unrolled. Max pooling remembers
 * where each maximum was (the first one on ties, as PyTorch does), so the backward pass routes
 * each gradient to that one input.
 */
final class PoolEmitter extends LayerEmitter {
    private final Layer.Pool pool;
    private final int ih, iw, c, oh, ow, fh, fw, s;

    PoolEmitter(NetworkPlan.Step step, Precision p, boolean inference) {
        super(step, p, inference);
        pool = (Layer.Pool) step.layer();
        ih = pool.in().height();
        iw = pool.in().width();
        c = pool.in().channels();
        oh = pool.out().height();
        ow = pool.out().width();
        fh = pool.windowHeight();
        fw = pool.windowWidth();
        s = pool.stride();
    }

    private boolean max() {
        return pool.kind() == PoolKind.MAX;
    }

    private boolean unrolled() {
        return fh * fw <= MAX_UNROLLED_TAPS;
    }

    private int inSize() {
        return c * ih * iw;
    }

    private int outSize() {
        return c * oh * ow;
    }

    @Override
    List<FieldSpec> fields() {
        if (!max() || inference) {
            return List.of();
        }
        return List.of(FieldSpec.builder(ArrayTypeName.of(TypeName.INT), name + "Argmax", Modifier.PRIVATE,
                Modifier.FINAL).build());
    }

    @Override
    List<String> allocations() {
        return max() && !inference ? List.of(name + "Argmax = new int[maxBatch * " + outSize() + "]") : List.of();
    }

    /** Opens loops over examples, channels, output rows and columns; defines i (window corner) and o. */
    private void openWindows(Code code) {
        code.loop("n", "batch").loop("ch", c)
                .line("int ib = n * " + inSize() + " + ch * " + (ih * iw))
                .line("int o = n * " + outSize() + " + ch * " + (oh * ow))
                .loop("oy", oh)
                .line("int r = ib + oy * " + (s * iw))
                .loop("ox", ow)
                .line("int i = r + ox" + (s == 1 ? "" : " * " + s));
    }

    private static String at(int offset) {
        return offset == 0 ? "i" : "i + " + offset;
    }

    @Override
    MethodSpec forward() {
        var code = new Code();
        String in = step.in().name();
        String out = step.out().name();
        String type = p.keyword();
        openWindows(code);
        if (max()) {
            // Inference needs the maximum only; the same compares keep it bit for bit (NaN and -0.0 included).
            boolean track = !inference;
            code.line(type + " m = " + in + "[i]");
            if (track) {
                code.line("int at = i");
            }
            if (unrolled()) {
                for (int y = 0; y < fh; y++) {
                    for (int x = 0; x < fw; x++) {
                        if (y + x > 0) {
                            // No branches: which element of a window is largest is a coin toss no
                            // branch predictor wins. Math.max is branch-free in C2 (a float
                            // ternary is not: x86 has no conditional move for floats); the index
                            // is an int conditional move.
                            String idx = at(y * iw + x);
                            String v = "v" + (y * fw + x);
                            code.line(type + " " + v + " = " + in + "[" + idx + "]");
                            if (track) {
                                code.line("at = " + v + " > m ? " + idx + " : at");
                            }
                            code.line("m = Math.max(m, " + v + ")");
                        }
                    }
                }
            } else {
                code.loop("y", fh).loop("x", fw).line("int idx = i + y * " + iw + " + x")
                        .line(type + " v = " + in + "[idx]");
                if (track) {
                    code.line("at = v > m ? idx : at");
                }
                code.line("m = Math.max(m, v)");
                code.close().close();
            }
            code.line(out + "[o + oy * " + ow + " + ox] = m");
            if (track) {
                code.line(name + "Argmax[o + oy * " + ow + " + ox] = at");
            }
        } else {
            String scale = p.literal(1.0 / (fh * fw));
            if (unrolled()) {
                var sum = new StringBuilder();
                for (int y = 0; y < fh; y++) {
                    for (int x = 0; x < fw; x++) {
                        sum.append(sum.length() == 0 ? "" : " + ").append(in).append("[").append(at(y * iw + x)).append("]");
                    }
                }
                code.line(out + "[o + oy * " + ow + " + ox] = (" + sum + ") * " + scale);
            } else {
                code.line(type + " sum = " + p.literal(0))
                        .loop("y", fh).loop("x", fw).line("sum += " + in + "[i + y * " + iw + " + x]").close().close()
                        .line(out + "[o + oy * " + ow + " + ox] = sum * " + scale);
            }
        }
        code.close().close().close().close();
        String what = max() ? "max" : "average";
        return method("Forward", "Forward pass: " + what + " pooling, window unrolled.").addCode(code.build()).build();
    }

    @Override
    MethodSpec backward() {
        var code = new Code();
        String g = step.outGrad().name();
        String dIn = step.inGrad().name();
        if (step.inGradOnDemand()) {
            code.open("if (!inputGradientEnabled)").line("return").close();
        }
        code.line("java.util.Arrays.fill(" + dIn + ", 0, batch * " + inSize() + ", " + p.literal(0) + ")");
        if (max()) {
            code.loop("k", "batch * " + outSize())
                    .line(dIn + "[" + name + "Argmax[k]] += " + g + "[k]")
                    .close();
        } else {
            String scale = p.literal(1.0 / (fh * fw));
            openWindows(code);
            code.line(p.keyword() + " d = " + g + "[o + oy * " + ow + " + ox] * " + scale);
            if (unrolled()) {
                for (int y = 0; y < fh; y++) {
                    for (int x = 0; x < fw; x++) {
                        code.line(dIn + "[" + at(y * iw + x) + "] += d");
                    }
                }
            } else {
                code.loop("y", fh).loop("x", fw).line(dIn + "[i + y * " + iw + " + x] += d").close().close();
            }
            code.close().close().close().close();
        }
        return method("Backward", "Backward pass: routes each output gradient to the inputs of its window.")
                .addCode(code.build()).build();
    }
}
