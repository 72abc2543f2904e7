package cnnc.codegen;

import cnnc.plan.Step;
import cnnc.plan.ReluFold;
import cnnc.ast.PoolKind;
import cnnc.model.Layer;
import com.palantir.javapoet.MethodSpec;

/**
 * Max or average pooling with the window's compares or adds unrolled. Max pooling remembers
 * where each maximum was (the first one on ties, as PyTorch does), so the backward pass routes
 * each gradient to that one input.
 */
class PoolEmitter extends LayerEmitter {
    final Layer.Pool pool;
    final int ih, iw, c, oh, ow, fh, fw, s;

    PoolEmitter(Step step, Precision p, boolean inference) {
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

    boolean max() {
        return pool.kind() == PoolKind.MAX;
    }

    private boolean unrolled() {
        return fh * fw <= MAX_UNROLLED_TAPS;
    }

    int inSize() {
        return c * ih * iw;
    }

    int outSize() {
        return c * oh * ow;
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
        if (max() && unrolled() && step.reluFold() == ReluFold.INPUT_FROM_RELU_CONV) {
            // ReLU outputs are never negative (nor -0.0), and such floats order as their bits
            // do: an integer max is one conditional move where Math.max on floats takes four
            windowMaxBits(code, pool, p, in, iw);
            code.line(out + "[o + oy * " + ow + " + ox] = " + fromBits(p, "m"));
        } else if (max()) {
            code.line(type + " m = " + in + "[i]");
            if (unrolled()) {
                for (int y = 0; y < fh; y++) {
                    for (int x = 0; x < fw; x++) {
                        if (y + x > 0) {
                            // No branches: which element of a window is largest is a coin toss no
                            // branch predictor wins. Math.max is branch-free in C2 (a float
                            // ternary is not: x86 has no conditional move for floats).
                            code.line("m = Math.max(m, " + in + "[" + at(y * iw + x) + "])");
                        }
                    }
                }
            } else {
                code.loop("y", fh).loop("x", fw)
                        .line("m = Math.max(m, " + in + "[i + y * " + iw + " + x])")
                        .close().close();
            }
            code.line(out + "[o + oy * " + ow + " + ox] = m");
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
        boolean tiled = max() && unrolled() && tiles();
        if (!tiled) {
            code.line("java.util.Arrays.fill(" + dIn + ", 0, batch * " + inSize() + ", " + p.literal(0) + ")");
        }
        if (max()) {
            // The gradient goes to the first element equal to the window's maximum (PyTorch's
            // choice on ties). Math.max returned one of the window's values as it is, so comparing
            // bits finds it; integer compares, unlike float ones, need no branch.
            String bits = bits(p);
            String bitsType = bitsType(p);
            String out = step.out().name();
            openWindows(code);
            code.line("int k = o + oy * " + ow + " + ox")
                    .line(bitsType + " m = " + bits + "(" + out + "[k])");
            if (unrolled()) {
                // e: all ones where an element's bits equal the maximum's (an integer compare,
                // which C2 turns into a conditional move, not a branch); f: all ones for the
                // first of them only, so each window passes its gradient on exactly once
                String minusOne = p == Precision.FLOAT ? "-1" : "-1L";
                String zero = p == Precision.FLOAT ? "0" : "0L";
                code.line(bitsType + " d = " + bits + "(" + g + "[k])");
                if (step.reluFold() == ReluFold.INPUT_FROM_RELU_CONV) {
                    code.comment("the ReLU's derivative: zero where the maximum is 0");
                    code.line("d &= m != " + zero + " ? " + minusOne + " : " + zero);
                }
                code.line(bitsType + " taken = " + zero);
                for (int y = 0; y < fh; y++) {
                    for (int x = 0; x < fw; x++) {
                        int tap = y * fw + x;
                        String idx = at(y * iw + x);
                        code.line(bitsType + " e" + tap + " = " + bits + "(" + step.in().name() + "[" + idx + "]) == m ? "
                                        + minusOne + " : " + zero)
                                .line(dIn + "[" + idx + "] " + (tiled ? "=" : "+=") + " " + fromBits(p, "d & e" + tap + " & ~taken"));
                        if (tap < fh * fw - 1) {
                            code.line("taken |= e" + tap);
                        }
                    }
                }
            } else {
                code.line("int at = i + " + ((fh - 1) * iw + fw - 1))
                        .open("for (int y = " + (fh - 1) + "; y >= 0; y--)")
                        .open("for (int x = " + (fw - 1) + "; x >= 0; x--)")
                        .line("int idx = i + y * " + iw + " + x")
                        .line("at = " + bits + "(" + step.in().name() + "[idx]) == m ? idx : at")
                        .close().close()
                        .line(dIn + "[at] += " + g + "[k]");
            }
            code.close().close().close().close();
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

    /**
     * Whether the windows cover every input exactly once (stride equal to the window, no edge
     * left out): then the backward pass sets each input's gradient once and need not clear the
     * buffer first nor add to it.
     */
    boolean tiles() {
        return s == fh && s == fw && oh * s == ih && ow * s == iw;
    }

    /**
     * Declares {@code m}, the integer maximum over the bits of the window whose corner is at
     * {@code i} in {@code array} (rows {@code rowStride} apart): the maximum of the values
     * themselves when none is negative, as after a ReLU. One conditional move where Math.max on
     * floats takes four.
     */
    static void windowMaxBits(Code code, Layer.Pool pool, Precision p, String array, int rowStride) {
        code.line(bitsType(p) + " m = " + bits(p) + "(" + array + "[i])");
        for (int y = 0; y < pool.windowHeight(); y++) {
            for (int x = 0; x < pool.windowWidth(); x++) {
                if (y + x > 0) {
                    code.line("m = Math.max(m, " + bits(p) + "(" + array + "[" + at(y * rowStride + x) + "]))");
                }
            }
        }
    }

    private static String bits(Precision p) {
        return p == Precision.FLOAT ? "Float.floatToRawIntBits" : "Double.doubleToRawLongBits";
    }

    private static String bitsType(Precision p) {
        return p == Precision.FLOAT ? "int" : "long";
    }

    static String fromBits(Precision p, String value) {
        return (p == Precision.FLOAT ? "Float.intBitsToFloat(" : "Double.longBitsToDouble(") + value + ")";
    }
}
