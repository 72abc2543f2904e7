package cnnc.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrite, inference plans only: a stride-1 ReLU convolution followed by a max pool it folds
 * into ({@link FoldReluIntoMaxPool}) becomes one step that pools each output plane while it is
 * still in cache, so a single image never writes the convolution's output to memory. The pool's
 * maxima are the same, so the outputs are the same bits. A pool that is the network's last layer
 * keeps its own step.
 */
final class FuseConvPool {
    private FuseConvPool() {}

    static List<Step> apply(List<Step> steps, cnnc.model.Layer lastLayer) {
        var out = new ArrayList<Step>();
        for (Step step : steps) {
            Step previous = out.isEmpty() ? null : out.get(out.size() - 1);
            if (previous instanceof LayerStep conv && step instanceof LayerStep pool && step.layer() != lastLayer
                    && FoldReluIntoMaxPool.folds(conv, pool) && conv.layer().asConv().orElseThrow().stride() == 1) {
                out.set(out.size() - 1, new ConvPoolStep(conv.layer().asConv().orElseThrow(),
                        pool.layer().asPool().orElseThrow(), conv.in(), pool.out(), conv.activation()));
            } else {
                out.add(step);
            }
        }
        return out;
    }
}
