package cnnc.codegen.conv;

import cnnc.plan.Plan;

/**
 * Which shape of code each pass of a scalar convolution gets, decided once from its geometry,
 * fastest first where it fits.
 *
 * <ul>
 *   <li>Tap columns (stride 1, at most {@value Plan#MAX_UNROLLED_TAPS} taps, buffers within
 *       {@link #COLUMNS_LIMIT}): each tap's shifted view of each input plane is copied into a row
 *       array of its own, so the unrolled multiply-adds index every array alike and C2
 *       vectorizes them (a stencil such as out[j] += w * in[j + 29] stays scalar in Java 17,
 *       because the arrays might be one and the same). The forward pass takes one input plane's
 *       columns at a time and adds them to a row of sums per output plane. The input gradient is the same kind of
 *       loop over the zero-bordered output gradient with the flipped kernel; the weight and bias
 *       gradients sum in per-lane rows.
 *   <li>Wide rows (stride 1 otherwise): one long loop per plane over the input's width.
 *   <li>Direct (any stride): loops over output rows and columns with the taps unrolled and their
 *       offsets baked in.
 * </ul>
 */
record ConvStrategy(Pass forward, Pass weightGradient, Pass inputGradient) {

    /** Floats a columns buffer may hold before a layer falls back to wide rows (16 MB). */
    static final long COLUMNS_LIMIT = 1L << 22;

    enum Pass {
        /** Tap columns (for the weight gradient: per-lane sums over them). */
        COLUMNS,
        WIDE,
        DIRECT
    }

    static ConvStrategy of(ConvGeometry g) {
        boolean wide = g.s() == 1;
        boolean columns = wide && g.taps() <= Plan.MAX_UNROLLED_TAPS
                && (long) g.c() * g.taps() * g.wideLength() <= COLUMNS_LIMIT && (long) g.k() * g.wideLength() <= COLUMNS_LIMIT;
        boolean weightLanes = columns && (long) g.k() * g.c() * g.taps() * g.wideLength() <= COLUMNS_LIMIT;
        boolean gradColumns = columns && (long) g.k() * g.taps() * g.gradWideLength() <= COLUMNS_LIMIT;
        Pass rows = wide ? Pass.WIDE : Pass.DIRECT;
        return new ConvStrategy(columns ? Pass.COLUMNS : rows, weightLanes ? Pass.COLUMNS : Pass.DIRECT,
                gradColumns ? Pass.COLUMNS : rows);
    }

    /** Whether the forward pass runs over wide rows: a wide plane buffer, or with tap columns a row of them per output plane. */
    boolean wide() {
        return forward != Pass.DIRECT;
    }
}
