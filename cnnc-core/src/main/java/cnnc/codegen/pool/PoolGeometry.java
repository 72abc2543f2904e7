package cnnc.codegen.pool;

import cnnc.ast.PoolKind;
import cnnc.model.Layer;
import cnnc.plan.Plan;

/**
 * A pooling layer's sizes, each derived once: input {@code c x ih x iw}, output
 * {@code c x oh x ow}, window {@code fh x fw}, stride {@code s}.
 */
public record PoolGeometry(Layer.Pool pool, int ih, int iw, int c, int oh, int ow, int fh, int fw, int s) {

    public static PoolGeometry of(Layer.Pool pool) {
        return new PoolGeometry(pool, pool.in().height(), pool.in().width(), pool.in().channels(), pool.out().height(),
                pool.out().width(), pool.windowHeight(), pool.windowWidth(), pool.stride());
    }

    public boolean max() {
        return pool.kind() == PoolKind.MAX;
    }

    /** Whether the window is unrolled whole (else a loop over its rows and columns). */
    public boolean unrolled() {
        return fh * fw <= Plan.MAX_UNROLLED_TAPS;
    }

    /** Values per example of the input. */
    public int inSize() {
        return c * ih * iw;
    }

    /** Values per example of the output. */
    public int outSize() {
        return c * oh * ow;
    }

    /**
     * Whether the windows cover every input exactly once (stride equal to the window, no edge
     * left out): then the backward pass sets each input's gradient once and need not clear the
     * buffer first nor add to it.
     */
    public boolean tiles() {
        return s == fh && s == fw && oh * s == ih && ow * s == iw;
    }
}
