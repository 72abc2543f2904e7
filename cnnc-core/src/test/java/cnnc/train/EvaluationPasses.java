package cnnc.train;

import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;

/**
 * Test-set throughput of {@code cnnc eval}'s code for bench/run: one evaluator, built once as a
 * PyTorch model is, runs the whole set again and again; construction (instances, threads) is left
 * out, as it is from PyTorch's figure and from the embedded class's.
 */
public final class EvaluationPasses {
    private EvaluationPasses() {}

    /** Images per second of the fastest of {@code timed} passes after {@code warmUps} untimed ones. */
    public static double imagesPerSecond(CompiledNetwork compiled, float[][] params, Dataset data, int threads, int warmUps,
            int timed) {
        Targets targets = Targets.of(compiled.network(), data.classes(), 0);
        float[] encoded = Trainer.encode(data, targets);
        double best = Double.MAX_VALUE;
        try (var net = Evaluation.evaluator(compiled, params, threads, targets)) {
            for (int pass = 0; pass < warmUps + timed; pass++) {
                long start = System.nanoTime();
                Evaluation.over(net, data, encoded, targets);
                if (pass >= warmUps) {
                    best = Math.min(best, (System.nanoTime() - start) / 1e9);
                }
            }
        }
        return data.count() / best;
    }
}
