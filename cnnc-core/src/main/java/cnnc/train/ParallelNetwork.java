package cnnc.train;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkInstance;
import java.util.Arrays;

/**
 * Data parallelism: a batch is cut into contiguous slices, each with a generated instance of its
 * own (its activations and gradients), all sharing the parameter arrays. Each thread runs its own
 * slices and then helps the others with theirs ({@link SliceClaims}), and the slices' gradients
 * are summed in slice order; a slice's sums do not depend on which thread ran it, so a given seed
 * and thread count always give the same result.
 *
 * <p>Where the gradients are few, there are up to {@link #MAX_SLICES_PER_THREAD} slices a thread,
 * so that a thread the system holds up for a while delays one small slice while the others take
 * the rest. On a 16-core machine with one slice a thread, a step's slowest thread at 8 threads
 * took 16-44% longer than the average one; four slices a thread made the lab's epoch 7-9% faster
 * there. Each slice adds a copy of the gradients to sum at the step's end, so a network with many
 * weights (the course MLP) keeps one slice a thread.
 *
 * <p>A network whose batchnorms normalize with statistics of the whole batch trains in stages
 * ({@link CompiledNetwork#stages}): every slice finishes a stage, writing its examples' sums into
 * arrays all instances share, before any starts the next, which adds all the rows in example order.
 * So the statistics, and every example's output and input gradient, do not depend on how the batch
 * was cut.
 */
final class ParallelNetwork implements AutoCloseable {
    /** Most slices a thread; a thread's share of the batch is cut finer only while slices keep this many examples. */
    static final int MAX_SLICES_PER_THREAD = 4;
    /** Fewest examples in a slice cut finer than one a thread: the dense kernels' tiles take four examples. */
    static final int MIN_SLICE = 4;
    /** Most gradient values, over all slices, that the step's end sums: about 8 MB, so that summing stays fast. */
    static final long MAX_SUMMED_GRADIENTS = 1 << 21;

    private final NetworkInstance[] instances;
    private final float[][][] gradients;
    private final Crew crew;
    /** Each slice's result of the task the crew last ran, null for a slice without examples. */
    private final BatchResult[] results;
    private final SliceClaims claims;
    private final int threads;
    private final int perSlice;
    private final int inputs;
    private final int outputs;
    private final Targets targets;
    /** How many stages a training pass runs in: 1 but for batchnorms that need the whole batch's statistics. */
    private final int stages;
    /** The batch statistics the instances share, for a network that trains in stages; else null. */
    private final double[][] batchSums;

    record BatchResult(double lossSum, int correct) {}

    ParallelNetwork(CompiledNetwork compiled, float[][] params, int batch, int threads, Targets targets) {
        this(compiled, params, batch, threads, targets, slices(batch, threads, count(params)));
    }

    /** As above, with the batch cut into {@code slices} slices. */
    ParallelNetwork(CompiledNetwork compiled, float[][] params, int batch, int threads, Targets targets, int slices) {
        this.threads = threads;
        this.perSlice = (batch + slices - 1) / slices;
        this.instances = new NetworkInstance[slices];
        this.gradients = new float[slices][][];
        for (int s = 0; s < slices; s++) {
            instances[s] = compiled.instantiate(perSlice, params);
            Object[] g = instances[s].gradients();
            gradients[s] = new float[g.length][];
            for (int k = 0; k < g.length; k++) {
                gradients[s][k] = (float[]) g[k];
            }
        }
        this.crew = new Crew(threads);
        this.claims = new SliceClaims(threads, slices);
        this.results = new BatchResult[slices];
        this.inputs = compiled.network().input().size();
        this.outputs = compiled.network().output().size();
        this.targets = targets;
        this.stages = compiled.stages();
        this.batchSums = stages > 1 ? compiled.newBatchSums(capacity()) : null;
    }

    /**
     * How many slices a batch is cut into: one a thread, or up to {@link #MAX_SLICES_PER_THREAD}
     * where each still has {@link #MIN_SLICE} examples and all their copies of the {@code weights}
     * gradients stay within {@link #MAX_SUMMED_GRADIENTS}. One thread takes the batch whole.
     */
    static int slices(int batch, int threads, long weights) {
        if (threads == 1) {
            return 1;
        }
        int perThread = (batch + threads - 1) / threads;
        long byGradients = MAX_SUMMED_GRADIENTS / (Math.max(1, weights) * threads);
        int each = (int) Math.min(MAX_SLICES_PER_THREAD, Math.min(perThread / MIN_SLICE, byGradients));
        return threads * Math.max(1, each);
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
     * tensor: the slices' gradients summed in slice order and divided by {@code n} (the same
     * sums, bit for bit, as one thread adding them in turn), then {@code then} on the range.
     * The result is in {@link #gradients()}.
     */
    void finishStep(int n, RangeUpdate then) {
        int used = slicesFor(n);
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

    /** {@link NetworkInstance#holdWeights} on every instance: between steps, never while one runs. */
    void holdWeights(boolean held) {
        for (NetworkInstance instance : instances) {
            instance.holdWeights(held);
        }
    }

    int capacity() {
        return perSlice * instances.length;
    }

    private static long count(float[][] params) {
        long weights = 0;
        for (float[] p : params) {
            weights += p.length;
        }
        return weights;
    }

    /** How many slices {@code n} examples fill. */
    private int slicesFor(int n) {
        return (n + perSlice - 1) / perSlice;
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
        int used = slicesFor(n);
        Arrays.fill(results, null);
        claims.open(used);
        crew.run(th -> {
            for (int s = claims.claim(th); s >= 0; s = claims.claim(th)) {
                int from = s * perSlice;
                results[s] = slice.run(instances[s], from, Math.min(perSlice, n - from));
            }
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
