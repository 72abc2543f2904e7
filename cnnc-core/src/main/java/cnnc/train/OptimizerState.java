package cnnc.train;

import java.util.Map;

/**
 * What an optimizer carries from step to step, for a checkpoint: its slot arrays by name (one
 * array per parameter tensor; none before the first step) and the steps taken (Adam's t).
 * The arrays are the optimizer's own, not copies: write them out before the next step.
 */
public record OptimizerState(Map<String, float[][]> slots, long steps) {
    public OptimizerState {
        slots = Map.copyOf(slots);
    }

    /** The slot {@code name} of {@code restored}, copied to fit {@code like}; null when the state has none. */
    static float[][] slot(OptimizerState restored, String name) {
        float[][] saved = restored.slots().get(name);
        if (saved == null) {
            return null;
        }
        float[][] out = new float[saved.length][];
        for (int k = 0; k < saved.length; k++) {
            out[k] = saved[k].clone();
        }
        return out;
    }
}
