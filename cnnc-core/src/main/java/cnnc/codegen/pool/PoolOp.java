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

    public PoolOp(OpContext ctx, PoolGeometry geometry) {
        this.ctx = ctx;
        this.step = ctx.step();
        this.p = ctx.precision();
        this.g = geometry;
        this.pool = geometry.pool();
    }

    @Override
    public List<MethodSpec> methods() {
        return ctx.forwardAndBackward(this::forward, this::backward);
    }

    /** Opens loops over examples, channels, output rows and columns; defines i (window corner) and o. */
    private void openWindows(Code code) {
        code.loop("n", "batch").loop("ch", g.c())
                .line("int ib = n * " + g.inSize() + " + ch * " + (g.ih() * g.iw()))
                .line("int o = n * " + g.outSize() + " + ch * " + (g.oh() * g.ow()))
                .loop("oy", g.oh())
                .line("int r = ib + oy * " + (g.s() * g.iw()))
                .loop("ox", g.ow())
                .line("int i = r + ox" + (g.s() == 1 ? "" : " * " + g.s()));
    }

    
    private MethodSpec forward() {
        var code = new Code();
        String in = step.in().name();
        String out = step.out().name();
        String type = p.keyword();
        openWindows(code);
        if (g.max() && g.unrolled() && step.reluFold() == ReluFold.INPUT_FROM_RELU_CONV) {
            // ReLU outputs are never negative (nor -0.0), and such floats order as their bits
            // do: an integer max is one conditional move where Math.max on floats takes four
            WindowMax.declareBits(code, pool, p, in, g.iw());
            code.line(out + "[o + oy * " + g.ow() + " + ox] = " + WindowMax.fromBits(p, "m"));
        } else if (g.max()) {
            code.line(type + " m = " + in + "[i]");
            if (g.unrolled()) {
                for (int y = 0; y < g.fh(); y++) {
                    for (int x = 0; x < g.fw(); x++) {
                        if (y + x > 0) {
                            // No branches: which element of a window is largest is a coin toss no
                            // branch predictor wins. Math.max is branch-free in C2 (a float
                            // ternary is not: x86 has no conditional move for floats).
                            code.line("m = Math.max(m, " + in + "[" + WindowMax.at(y * g.iw() + x) + "])");
                        }
                    }
                }
            } else {
                code.loop("y", g.fh()).loop("x", g.fw())
                        .line("m = Math.max(m, " + in + "[i + y * " + g.iw() + " + x])")
                        .close().close();
            }
            code.line(out + "[o + oy * " + g.ow() + " + ox] = m");
        } else {
            String scale = p.literal(1.0 / (g.fh() * g.fw()));
            if (g.unrolled()) {
                var sum = new StringBuilder();
                for (int y = 0; y < g.fh(); y++) {
                    for (int x = 0; x < g.fw(); x++) {
                        sum.append(sum.length() == 0 ? "" : " + ").append(in).append("[").append(WindowMax.at(y * g.iw() + x)).append("]");
                    }
                }
                code.line(out + "[o + oy * " + g.ow() + " + ox] = (" + sum + ") * " + scale);
            } else {
                code.line(type + " sum = " + p.literal(0))
                        .loop("y", g.fh()).loop("x", g.fw()).line("sum += " + in + "[i + y * " + g.iw() + " + x]").close().close()
                        .line(out + "[o + oy * " + g.ow() + " + ox] = sum * " + scale);
            }
        }
        code.close().close().close().close();
        String what = g.max() ? "max" : "average";
        return ctx.method("Forward", "Forward pass: " + what + " pooling, window unrolled.", code.build());
    }

    /** Backward pass, any window and stride. */
    MethodSpec backward() {
        var code = new Code();
        String gradOut = step.outGrad().name();
        String dIn = step.inGrad().name();
        ctx.skipUnlessInputGradientWanted(code);
        boolean tiled = g.max() && g.unrolled() && g.tiles();
        if (!tiled) {
            code.line("java.util.Arrays.fill(" + dIn + ", 0, batch * " + g.inSize() + ", " + p.literal(0) + ")");
        }
        if (g.max()) {
            // The gradient goes to the first element equal to the window's maximum (PyTorch's
            // choice on ties). Math.max returned one of the window's values as it is, so comparing
            // bits finds it; integer compares, unlike float ones, need no branch.
            String bits = WindowMax.bits(p);
            String bitsType = WindowMax.bitsType(p);
            String out = step.out().name();
            openWindows(code);
            code.line("int k = o + oy * " + g.ow() + " + ox")
                    .line(bitsType + " m = " + bits + "(" + out + "[k])");
            if (g.unrolled()) {
                // e: all ones where an element's bits equal the maximum's (an integer compare,
                // which C2 turns into a conditional move, not a branch); f: all ones for the
                // first of them only, so each window passes its gradient on exactly once
                String minusOne = p == Precision.FLOAT ? "-1" : "-1L";
                String zero = p == Precision.FLOAT ? "0" : "0L";
                code.line(bitsType + " d = " + bits + "(" + gradOut + "[k])");
                if (step.reluFold() == ReluFold.INPUT_FROM_RELU_CONV) {
                    code.comment("the ReLU's derivative: zero where the maximum is 0");
                    code.line("d &= m != " + zero + " ? " + minusOne + " : " + zero);
                }
                code.line(bitsType + " taken = " + zero);
                for (int y = 0; y < g.fh(); y++) {
                    for (int x = 0; x < g.fw(); x++) {
                        int tap = y * g.fw() + x;
                        String idx = WindowMax.at(y * g.iw() + x);
                        code.line(bitsType + " e" + tap + " = " + bits + "(" + step.in().name() + "[" + idx + "]) == m ? "
                                        + minusOne + " : " + zero)
                                .line(dIn + "[" + idx + "] " + (tiled ? "=" : "+=") + " " + WindowMax.fromBits(p, "d & e" + tap + " & ~taken"));
                        if (tap < g.fh() * g.fw() - 1) {
                            code.line("taken |= e" + tap);
                        }
                    }
                }
            } else {
                code.line("int at = i + " + ((g.fh() - 1) * g.iw() + g.fw() - 1))
                        .open("for (int y = " + (g.fh() - 1) + "; y >= 0; y--)")
                        .open("for (int x = " + (g.fw() - 1) + "; x >= 0; x--)")
                        .line("int idx = i + y * " + g.iw() + " + x")
                        .line("at = " + bits + "(" + step.in().name() + "[idx]) == m ? idx : at")
                        .close().close()
                        .line(dIn + "[at] += " + gradOut + "[k]");
            }
            code.close().close().close().close();
        } else {
            String scale = p.literal(1.0 / (g.fh() * g.fw()));
            openWindows(code);
            code.line(p.keyword() + " d = " + gradOut + "[o + oy * " + g.ow() + " + ox] * " + scale);
            if (g.unrolled()) {
                for (int y = 0; y < g.fh(); y++) {
                    for (int x = 0; x < g.fw(); x++) {
                        code.line(dIn + "[" + WindowMax.at(y * g.iw() + x) + "] += d");
                    }
                }
            } else {
                code.loop("y", g.fh()).loop("x", g.fw()).line(dIn + "[i + y * " + g.iw() + " + x] += d").close().close();
            }
            code.close().close().close().close();
        }
        return ctx.method("Backward", "Backward pass: routes each output gradient to the inputs of its window.",
                code.build());
    }
}
