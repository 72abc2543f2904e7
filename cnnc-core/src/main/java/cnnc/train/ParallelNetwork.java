package cnnc.train;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkInstance;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Data parallelism: one generated instance per thread, all sharing the parameter arrays, each
 * with its own activations and gradients. A batch is cut into one contiguous slice per thread;
 * the gradients are then summed in thread order, so a given seed and thread count always give
 * the same result.
 *
 * <p>A network whose batchnorms normalize with statistics of the whole batch trains in stages
 * ({@link CompiledNetwork#stages}): every slice finishes a stage, writing its examples' sums into
 * arrays all instances share, before any starts the next, which adds all the rows in example order.
 * So the statistics, and every example's output and input gradient, do not depend on how the batch
 * was cut.
 */
final class ParallelNetwork implements AutoCloseable {
    private final NetworkInstance[] instances;
    private final float[][][] gradients;
    private final ExecutorService pool;
    private final int perThread;
    private final int inputs;
    private final int outputs;
    private final Targets targets;
    /** How many stages a training pass runs in: 1 but for batchnorms that need the whole batch's statistics. */
    private final int stages;
    /** The batch statistics the instances share, for a network that trains in stages; else null. */
    private final double[][] batchSums;

    record BatchResult(double lossSum, int correct) {}

    ParallelNetwork(CompiledNetwork compiled, float[][] params, int batch, int threads, Targets targets) {
        this.perThread = (batch + threads - 1) / threads;
        this.instances = new NetworkInstance[threads];
        this.gradients = new float[threads][][];
        for (int t = 0; t < threads; t++) {
            instances[t] = compiled.instantiate(perThread, params);
            Object[] g = instances[t].gradients();
            gradients[t] = new float[g.length][];
            for (int k = 0; k < g.length; k++) {
                gradients[t][k] = (float[]) g[k];
            }
        }
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, r -> {
            Thread thread = new Thread(r, "cnnc-train");
            thread.setDaemon(true);
            return thread;
        }) : null;
        this.inputs = compiled.network().input().size();
        this.outputs = compiled.network().output().size();
        this.targets = targets;
        this.stages = compiled.stages();
        this.batchSums = stages > 1 ? compiled.newBatchSums(perThread * threads) : null;
    }

    /** The summed gradients of the last {@link #trainBatch} (owned by the first instance). */
    float[][] gradients() {
        return gradients[0];
    }

    /** Forward and backward over {@code n} examples; leaves the summed gradient in {@link #gradients()}. */
    BatchResult trainBatch(float[] x, float[] t, int[] labels, int n, long seed) {
        BatchResult result = batchSums == null ? run(n, (inst, from, count) -> {
            inst.zeroGradients();
            inst.setRandomState(seed, from);
            inst.forward(x, from * inputs, count, true);
            double loss = inst.backward(t, from * outputs, count);
            return new BatchResult(loss, countCorrect(inst, labels, from, count));
        }) : trainInStages(x, t, labels, n, seed);
        for (int th = 1; th < instances.length; th++) {
            if ((long) th * perThread >= n) {
                break;
            }
            float[][] into = gradients[0];
            float[][] from = gradients[th];
            for (int k = 0; k < into.length; k++) {
                float[] a = into[k];
                float[] b = from[k];
                for (int i = 0; i < a.length; i++) {
                    a[i] += b[i];
                }
            }
        }
        return result;
    }

    /**
     * As {@link #trainBatch} for a network that trains in stages: each stage runs on every slice before
     * the next starts. The last forward stage and the first backward one need nothing from other slices
     * in between, so they run together.
     */
    private BatchResult trainInStages(float[] x, float[] t, int[] labels, int n, long seed) {
        int last = stages - 1;
        run(n, (inst, from, count) -> {
            inst.zeroGradients();
            inst.setRandomState(seed, from);
            inst.shareBatch(batchSums, from, n);
            inst.forwardStage(0, x, from * inputs, count);
            return NOTHING;
        });
        for (int stage = 1; stage < last; stage++) {
            int s = stage;
            run(n, (inst, from, count) -> {
                inst.forwardStage(s, x, from * inputs, count);
                return NOTHING;
            });
        }
        BatchResult result = run(n, (inst, from, count) -> {
            inst.forwardStage(last, x, from * inputs, count);
            double loss = inst.backwardStage(last, t, from * outputs, count);
            return new BatchResult(loss, countCorrect(inst, labels, from, count));
        });
        for (int stage = last - 1; stage >= 0; stage--) {
            int s = stage;
            run(n, (inst, from, count) -> {
                inst.backwardStage(s, t, from * outputs, count);
                return NOTHING;
            });
        }
        return result;
    }

    private static final BatchResult NOTHING = new BatchResult(0, 0);

    /**
     * Loss sum and correct count over {@code n} examples, in inference mode; the predicted class
     * of each example goes into {@code predicted}.
     */
    BatchResult evaluate(float[] x, float[] t, int[] labels, int n, int[] predicted) {
        return run(n, (inst, from, count) -> {
            inst.forward(x, from * inputs, count, false);
            double loss = inst.loss(t, from * outputs, count);
            float[] o = (float[]) inst.output();
            int correct = 0;
            for (int i = 0; i < count; i++) {
                predicted[from + i] = targets.predict(o, i * outputs);
                correct += predicted[from + i] == targets.truth(labels[from + i]) ? 1 : 0;
            }
            return new BatchResult(loss, correct);
        });
    }

    int capacity() {
        return perThread * instances.length;
    }

    private int countCorrect(NetworkInstance inst, int[] labels, int from, int count) {
        float[] o = (float[]) inst.output();
        int correct = 0;
        for (int i = 0; i < count; i++) {
            if (targets.correct(o, i * outputs, labels[from + i])) {
                correct++;
            }
        }
        return correct;
    }

    private interface Slice {
        BatchResult run(NetworkInstance inst, int from, int count);
    }

    private BatchResult run(int n, Slice slice) {
        if (n > capacity()) {
            throw new IllegalArgumentException("batch of " + n + " exceeds " + capacity());
        }
        var futures = new ArrayList<Future<BatchResult>>();
        for (int th = 1; th < instances.length; th++) {
            int from = th * perThread;
            int count = Math.min(perThread, n - from);
            if (count <= 0) {
                break;
            }
            NetworkInstance inst = instances[th];
            futures.add(pool.submit(() -> slice.run(inst, from, count)));
        }
        BatchResult first = slice.run(instances[0], 0, Math.min(perThread, n));
        double loss = first.lossSum();
        int correct = first.correct();
        for (Future<BatchResult> f : futures) {
            try {
                BatchResult r = f.get();
                loss += r.lossSum();
                correct += r.correct();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(cause);
            }
        }
        return new BatchResult(loss, correct);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
