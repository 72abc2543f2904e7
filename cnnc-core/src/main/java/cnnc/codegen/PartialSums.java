package cnnc.codegen;

import java.util.function.UnaryOperator;

/**
 * Sums written as four partial sums: C2 keeps float additions in order, so one running sum is a
 * chain of dependent adds, four latencies long each; four chains overlap.
 */
public final class PartialSums {
    private PartialSums() {}

    /** Declares {@code var = init + the sum of term(q) for q < length}. */
    public static void declare(Code c, Precision p, String var, String init, Object length, UnaryOperator<String> term) {
        String t = p.keyword();
        String zero = p.literal(0);
        String q = var + "Index";
        c.line(t + " " + var + "0 = " + zero + ", " + var + "1 = " + zero + ", " + var + "2 = " + zero + ", " + var + "3 = " + zero)
                .line("int " + q + " = 0")
                .open("for (; " + q + " + 3 < " + length + "; " + q + " += 4)");
        for (int lane = 0; lane < 4; lane++) {
            c.line(var + lane + " += " + term.apply(lane == 0 ? q : q + " + " + lane));
        }
        c.close()
                .open("for (; " + q + " < " + length + "; " + q + "++)")
                .line(var + "0 += " + term.apply(q))
                .close()
                .line(t + " " + var + " = " + init + " + ((" + var + "0 + " + var + "1) + (" + var + "2 + " + var + "3))");
    }
}
