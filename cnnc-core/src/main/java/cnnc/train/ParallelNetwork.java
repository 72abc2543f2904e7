package cnnc.train;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkInstance;

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
    private final Crew crew;
    /** Each thread's result of the task the crew last ran, null for a thread without examples. */
    private final BatchResult[] results;
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
        this.crew = new Crew(threads);
        this.results = new BatchResult[threads];
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

    /** Fills rows {@code from..from+count-1} of a step's inputs, targets and labels; each thread its own slice. */
    interface Rows {
        void fill(int from, int count);
    }

    /** What a step does with a range of one tensor's summed, averaged gradient: regularize it and update its weights. */
    interface RangeUpdate {
        void apply(int tensor, int from, int to);
    }

    /**
     * Forward and backward over {@code n} examples, each thread first filling its slice of the
     * arrays with {@code rows}; leaves each slice's gradient in its own instance until
     * {@link #finishStep}.
     */
    BatchResult trainBatch(float[] x, float[] t, int[] labels, int n, long seed, Rows rows) {
        return batchSums == null ? run(n, (inst, from, count) -> {
            rows.fill(from, count);
            inst.zeroGradients();
            inst.setRandomState(seed, from);
            inst.forward(x, from * inputs, count, true);
            double loss = inst.backward(t, from * outputs, count);
            return new BatchResult(loss, countCorrect(inst, labels, from, count));
        }) : trainInStages(x, t, labels, n, seed, rows);
    }

    /**
     * Ends a step of {@code n} examples on all threads at once, each taking a range of every
     * tensor: the slices' gradients summed in thread order and divided by {@code n} (the same
     * sums, bit for bit, as one thread adding them in turn), then {@code then} on the range.
     * The result is in {@link #gradients()}.
     */
    void finishStep(int n, RangeUpdate then) {
        int threads = instances.length;
        int used = Math.min(threads, (n + perThread - 1) / perThread);
        float scale = 1f / n;
        float[][] into = gradients[0];
        crew.run(th -> {
            for (int k = 0; k < into.length; k++) {
                float[] a = into[k];
                int lo = (int) ((long) a.length * th / threads);
                int hi = (int) ((long) a.length * (th + 1) / threads);
                if (lo == hi) {
                    continue;
                }
                for (int s = 1; s < used; s++) {
                    float[] b = gradients[s][k];
                    for (int i = lo; i < hi; i++) {
                        a[i] += b[i];
                    }
                }
                for (int i = lo; i < hi; i++) {
                    a[i] *= scale;
                }
                then.apply(k, lo, hi);
            }
        });
    }

    /**
     * As {@link #trainBatch} for a network that trains in stages: each stage runs on every slice before
     * the next starts. The last forward stage and the first backward one need nothing from other slices
     * in between, so they run together.
     */
    private BatchResult trainInStages(float[] x, float[] t, int[] labels, int n, long seed, Rows rows) {
        int last = stages - 1;
        run(n, (inst, from, count) -> {
            rows.fill(from, count);
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
        crew.run(th -> {
            int from = th * perThread;
            int count = Math.min(perThread, n - from);
            results[th] = count > 0 ? slice.run(instances[th], from, count) : null;
        });
        double loss = 0;
        int correct = 0;
        for (BatchResult r : results) {
            if (r != null) {
                loss += r.lossSum();
                correct += r.correct();
            }
        }
        return new BatchResult(loss, correct);
    }

    @Override
    public void close() {
        crew.close();
    }
}
