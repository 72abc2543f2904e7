package cnnc.train;

import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import java.util.Arrays;

/**
 * Trains a copy of a Vector API network on small batches before the first epoch, until the JIT
 * has compiled the generated code. Until then the Vector API runs as plain Java objects, tens of
 * times slower, and those slow calls cost less on a few examples per thread than on a full batch.
 * The lab network's first epoch took 4.5 times a later one; now the warm-up takes about a second,
 * the first epoch 1.04-1.15 times a later one, and three epochs 0.3-0.4 s less in all (the course MLP's
 * five, 0.2 s less). Plain-Java code is only a few times slower before C2 compiles it, and warming
 * it up cost more than it saved.
 *
 * <p>The copy has weights, optimizer state and instances of its own, and uses no random stream
 * of the run, so the run's results do not depend on the warm-up, nor on how long it took.
 */
final class JitWarmUp {
    /** Examples per thread and step: enough to fill the dense layers' tiles of four examples. */
    static final int EXAMPLES_PER_THREAD = 8;
    /** Stops after this long however far it got: a network large enough to need more gains little. */
    static final long MAX_NANOS = 3_000_000_000L;
    /**
     * Steps to run at least, past settling, where they cost no more than settling did. The
     * methods called once a step (the network's backward and zeroGradients, the step's end)
     * reach C2's thresholds only after a hundred or two calls; stopping at settling, some 80
     * steps in for the lab network, left C2 compiling them in the first epoch.
     */
    static final int MIN_STEPS = 200;

    private JitWarmUp() {}

    /**
     * Runs steps, and an evaluation of the same examples, until {@link Settling} says they are
     * fast and {@link #longEnough} says there were enough of them; returns how many.
     */
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
            long settledAt = -1;
            while (System.nanoTime() - start < MAX_NANOS) {
                long stepStart = System.nanoTime();
                Trainer.step(net, copy, updates, x, t, labels, count, steps, (from, size) -> {});
                net.evaluate(x, t, labels, count, predicted);
                long now = System.nanoTime();
                steps++;
                if (settledAt < 0 && settling.add(now - stepStart)) {
                    settledAt = now - start;
                }
                if (settledAt >= 0 && longEnough(steps, settledAt, now - start)) {
                    break;
                }
            }
        }
        return steps;
    }

    /**
     * Whether a warm-up that settled {@code settledAt} nanoseconds in has run long enough after
     * {@code steps} steps and {@code elapsed} nanoseconds: {@link #MIN_STEPS} steps, or as long
     * again as settling took, whichever comes first.
     */
    static boolean longEnough(int steps, long settledAt, long elapsed) {
        return steps >= MIN_STEPS || elapsed >= 2 * settledAt;
    }

    /**
     * Whether warm-up steps have become fast: the median of the last {@link #WINDOW} steps within
     * twice the fastest so far, counting only steps since the fastest last halved. The fastest
     * keeps halving while C2 works through the kernels; single slow steps in between (another
     * compile landing, a collection) do not matter, since the median ignores them. Stopping at the
     * first stretch of even steps would stop while the code still ran uncompiled, and fifty fast
     * steps in a row, which blips kept resetting, went on too long for the MLP to gain.
     */
    static final class Settling {
        static final int WINDOW = 40;

        private final long[] recent = new long[WINDOW];
        private long fastest = Long.MAX_VALUE;
        private int sinceHalved;

        /** Records a step's duration; true once the steps have settled. */
        boolean add(long nanos) {
            if (2 * nanos < fastest) {
                sinceHalved = 0;
            }
            fastest = Math.min(fastest, nanos);
            recent[sinceHalved % WINDOW] = nanos;
            sinceHalved++;
            if (sinceHalved < WINDOW) {
                return false;
            }
            long[] sorted = recent.clone();
            Arrays.sort(sorted);
            return sorted[WINDOW / 2] <= 2 * fastest;
        }
    }
}
