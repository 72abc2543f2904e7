package cnnc.codegen.conv;

import cnnc.codegen.Code;
import cnnc.codegen.Precision;
import cnnc.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel taps that direct and wide-row code unrolls, with their weight indexes and source
 * offsets baked in: all of them, or, above {@value Plan#MAX_UNROLLED_TAPS} taps, one kernel row
 * inside a loop over the rows.
 */
final class UnrolledTaps {
    private final ConvGeometry g;
    private final Precision p;
    private final String weight;

    UnrolledTaps(ConvGeometry g, Precision p, String weight) {
        this.g = g;
        this.p = p;
        this.weight = weight;
    }

    /** The taps one unrolled body covers: all of them, or one kernel row inside a loop over ky. */
    record Taps(boolean rowLoop, List<int[]> taps) {}

    Taps taps() {
        var taps = new ArrayList<int[]>(); // {weight index within the group, source offset}
        boolean rowLoop = g.kh() * g.kw() > Plan.MAX_UNROLLED_TAPS;
        int rows = rowLoop ? 1 : g.kh();
        for (int ky = 0; ky < rows; ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                taps.add(new int[] {ky * g.kw() + kx, ky * g.pw() + kx});
            }
        }
        return new Taps(rowLoop, taps);
    }

    /** Opens the loop over kernel rows when the taps of one row are all that is unrolled. */
    String openRows(Code code, Taps t, String weightBase) {
        if (t.rowLoop()) {
            code.loop("ky", g.kh());
            weightBase = weightBase + " + ky * " + g.kw();
        }
        code.line("int wb = " + weightBase);
        return "wb";
    }

    String rowOffset(Taps t) {
        return t.rowLoop() ? " + ky * " + g.pw() : "";
    }

    void closeRows(Code code, Taps t) {
        if (t.rowLoop()) {
            code.close();
        }
    }

    void loadWeights(Code code, Taps t, String wb) {
        String type = p.keyword();
        for (int[] tap : t.taps()) {
            code.line(type + " w" + tap[0] + " = " + weight + "[" + ConvPieces.plus(wb, tap[0]) + "]");
        }
    }

    /** Opens the loops over output rows and columns, defining i (the source index) and ob. */
    void openPixels(Code code, String ib, Taps t, String outRowBase) {
        code.loop("oy", g.oh())
                .line("int r = " + ib + " + oy * " + (g.s() * g.pw()) + rowOffset(t))
                .line("int ob = " + outRowBase + " + oy * " + g.ow())
                .loop("ox", g.ow())
                .line("int i = r + ox" + (g.s() == 1 ? "" : " * " + g.s()));
    }
}
