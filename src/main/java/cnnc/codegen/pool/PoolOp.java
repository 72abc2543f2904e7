package cnnc.codegen.pool;

import cnnc.codegen.Code;
import cnnc.codegen.LayerOp;
import cnnc.codegen.OpContext;
import cnnc.codegen.Precision;
import cnnc.model.Layer;
import cnnc.plan.ReluFold;
import cnnc.plan.Step;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * Max or average pooling with the window's compares or adds unrolled. Max pooling's backward pass
 * routes each gradient to the first input equal to its window's maximum (PyTorch's choice on
 * ties), found again by comparing bits, so nothing is remembered between the passes.
 */
public final class PoolOp implements LayerOp {
    private final OpContext ctx;
    private final Step step;
    private final Precision p;
    private final PoolGeometry g;
    private final Layer.Pool pool;
    private final int ih, iw, c, oh, ow, fh, fw, s;

    public PoolOp(OpContext ctx, PoolGeometry geometry) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.g = geometry;
        this.pool = geometry.pool();
        ih = g.ih();
        iw = g.iw();
        c = g.c();
        oh = g.oh();
        ow = g.ow();
        fh = g.fh();
        fw = g.fw();
        s = g.s();
    }

    @Override
    public List<MethodSpec> methods() {
        return ctx.forwardAndBackward(this::forward, this::backward);
    }

    private boolean max() {
        return g.max();
    }

    private boolean unrolled() {
        return g.unrolled();
    }

    private int inSize() {
        return g.inSize();
    }

    private int outSize() {
        return g.outSize();
    }

    private boolean tiles() {
        return g.tiles();
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

    
    private MethodSpec forward() {
        var code = new Code();
        String in = step.in().name();
        String out = step.out().name();
        String type = p.keyword();
        openWindows(code);
        if (max() && unrolled() && step.reluFold() == ReluFold.INPUT_FROM_RELU_CONV) {
            // ReLU outputs are never negative (nor -0.0), and such floats order as their bits
            // do: an integer max is one conditional move where Math.max on floats takes four
            WindowMax.declareBits(code, pool, p, in, iw);
            code.line(out + "[o + oy * " + ow + " + ox] = " + WindowMax.fromBits(p, "m"));
        } else if (max()) {
            code.line(type + " m = " + in + "[i]");
            if (unrolled()) {
                for (int y = 0; y < fh; y++) {
                    for (int x = 0; x < fw; x++) {
                        if (y + x > 0) {
                            // No branches: which element of a window is largest is a coin toss no
                            // branch predictor wins. Math.max is branch-free in C2 (a float
                            // ternary is not: x86 has no conditional move for floats).
                            code.line("m = Math.max(m, " + in + "[" + WindowMax.at(y * iw + x) + "])");
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
                        sum.append(sum.length() == 0 ? "" : " + ").append(in).append("[").append(WindowMax.at(y * iw + x)).append("]");
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
        return ctx.method("Forward", "Forward pass: " + what + " pooling, window unrolled.", code.build());
    }

    /** Backward pass, any window and stride. */
    MethodSpec backward() {
        var code = new Code();
        String g = step.outGrad().name();
        String dIn = step.inGrad().name();
        ctx.skipUnlessInputGradientWanted(code);
        boolean tiled = max() && unrolled() && tiles();
        if (!tiled) {
            code.line("java.util.Arrays.fill(" + dIn + ", 0, batch * " + inSize() + ", " + p.literal(0) + ")");
        }
        if (max()) {
            // The gradient goes to the first element equal to the window's maximum (PyTorch's
            // choice on ties). Math.max returned one of the window's values as it is, so comparing
            // bits finds it; integer compares, unlike float ones, need no branch.
            String bits = WindowMax.bits(p);
            String bitsType = WindowMax.bitsType(p);
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
                        String idx = WindowMax.at(y * iw + x);
                        code.line(bitsType + " e" + tap + " = " + bits + "(" + step.in().name() + "[" + idx + "]) == m ? "
                                        + minusOne + " : " + zero)
                                .line(dIn + "[" + idx + "] " + (tiled ? "=" : "+=") + " " + WindowMax.fromBits(p, "d & e" + tap + " & ~taken"));
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
                        code.line(dIn + "[" + WindowMax.at(y * iw + x) + "] += d");
                    }
                }
            } else {
                code.loop("y", fh).loop("x", fw).line(dIn + "[i + y * " + iw + " + x] += d").close().close();
            }
            code.close().close().close().close();
        }
        return ctx.method("Backward", "Backward pass: routes each output gradient to the inputs of its window.",
                code.build());
    }
}
