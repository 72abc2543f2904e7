package cnnc.plan;

import cnnc.ast.Activation;
import cnnc.ast.PoolKind;
import cnnc.model.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rewrite: a max pool right after a ReLU convolution takes over the ReLU's derivative. The
 * gradient reaches only each window's maximum, and there the derivative is 1 unless that maximum
 * is 0, so the pool's backward pass applies it for free and the convolution skips a pass over its
 * output gradient. The pool also knows its input is never negative, so its window maximum is an
 * integer one. Only for windows the generator unrolls ({@link Plan#MAX_UNROLLED_TAPS} taps).
 */
final class FoldReluIntoMaxPool {
    private FoldReluIntoMaxPool() {}

    static List<Step> apply(List<Step> steps) {
        var out = new ArrayList<>(steps);
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i - 1) instanceof LayerStep conv && out.get(i) instanceof LayerStep pool && folds(conv, pool)) {
                out.set(i - 1, conv.withReluFold(ReluFold.DERIVATIVE_IN_NEXT_POOL));
                out.set(i, pool.withReluFold(ReluFold.INPUT_FROM_RELU_CONV));
            }
        }
        return out;
    }

    /** Whether {@code pool} is a max pool with its window unrolled, right after a ReLU convolution. */
    static boolean folds(Step conv, Step pool) {
        Optional<Layer.Pool> max = pool.layer().asPool().filter(p -> p.kind() == PoolKind.MAX
                && p.windowHeight() * p.windowWidth() <= Plan.MAX_UNROLLED_TAPS);
        return max.isPresent() && conv.layer().asConv().isPresent() && conv.activation() == Activation.RELU;
    }
}
