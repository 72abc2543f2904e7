package cnnc.train;

import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;

/**
 * Trains a copy of a Vector API network on small batches before the first epoch, until the JIT
 * has compiled the generated code. Until then the Vector API runs as plain Java objects, tens of
 * times slower, and those slow calls cost less on a few examples per thread than on a full batch:
 * the lab network's first epoch took 4.5 times a later one; now the warm-up takes 1.3-1.5 s and
 * the first epoch no longer than the others, 0.2-0.3 s less in all. (Plain-Java code is only a
 * few times slower before C2 compiles it, and warming it up cost more than it saved.)
 *
 * <p>The copy has weights, optimizer state and instances of its own, and uses no random stream
 * of the run, so the run's results do not depend on the warm-up, nor on how long it took.
 */
final class JitWarmUp {
    /** Examples per thread and step: enough to fill the dense layers' tiles of four examples. */
    static final int EXAMPLES_PER_THREAD = 8;
    /** Stops after this long however far it got: a network large enough to need more gains little. */
    static final long MAX_NANOS = 3_000_000_000L;

    private JitWarmUp() {}

    /** Runs steps, and an evaluation of the same examples, until {@link Settling} says they are fast; returns how many. */
    static int run(CompiledNetwork compiled, float[][] params, TrainingConfig config, Targets targets, Dataset train,
            float[] trainTargets, Trainer.Updates rules) {
        float[][] copy = new float[params.length][];
        for (int k = 0; k < params.length; k++) {
            copy[k] = params[k].clone();
        }
        var updates = new Trainer.Updates(config.newOptimizer(), rules.regularization(), rules.trainable());
        int count = Math.min(train.count(), EXAMPLES_PER_THREAD * config.threads());
        float[] x = new float[count * train.imageSize()];
        float[] t = new float[count * targets.outputs()];
        int[] labels = new int[count];
        System.arraycopy(train.images(), 0, x, 0, x.length);
        System.arraycopy(trainTargets, 0, t, 0, t.length);
        System.arraycopy(train.labels(), 0, labels, 0, count);
        int[] predicted = new int[count];
        var settling = new Settling();
        long start = System.nanoTime();
        int steps = 0;
        try (var net = new ParallelNetwork(compiled, copy, count, config.threads(), targets)) {
            boolean settled = false;
            while (!settled && System.nanoTime() - start < MAX_NANOS) {
                long stepStart = System.nanoTime();
                Trainer.step(net, copy, updates, x, t, labels, count, steps, (from, size) -> {});
                net.evaluate(x, t, labels, count, predicted);
                settled = settling.add(System.nanoTime() - stepStart);
                steps++;
            }
        }
        return steps;
    }

    /**
     * Whether warm-up steps have become fast: the last {@link #FAST_STEPS} each within twice the
     * fastest so far. Many, since before C2 has compiled the code, steps can run about equally
     * slowly for a while, and stopping then would leave the slow calls to the first epoch; once
     * compiled, a step of a small network takes well under a millisecond, so going on costs little.
     */
    static final class Settling {
        static final int FAST_STEPS = 50;

        private long fastest = Long.MAX_VALUE;
        private int fastInARow;

        /** Records a step's duration; true once the steps have settled. */
        boolean add(long nanos) {
            if (2 * nanos < fastest) {
                fastInARow = 0; // steps before one twice as fast were not near the fastest
            }
            fastest = Math.min(fastest, nanos);
            fastInARow = nanos <= 2 * fastest ? fastInARow + 1 : 0;
            return fastInARow >= FAST_STEPS;
        }
    }
}
