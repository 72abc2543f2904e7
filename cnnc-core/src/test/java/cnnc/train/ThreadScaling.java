package cnnc.train;

import cnnc.ast.OptimizerKind;
import cnnc.codegen.Backend;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.data.Dataset;
import cnnc.data.Mnist;
import cnnc.diag.SourceFile;
import cnnc.Frontend;
import cnnc.model.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seconds per training epoch (the steps alone, RMSprop, vector backend) at several thread counts,
 * and the parallel efficiency against one thread: the figures of the README's 16-core table.
 * The thread counts take turns, an epoch each, in one JVM, so that a machine whose speed drifts
 * (another tenant, the clock) slows them alike.
 *
 * <p>{@code bench/threads [FILE.cnn] [--batch N] [--threads 1,8,16] [--rounds N] [--data DIR]}
 */
public final class ThreadScaling {
    private ThreadScaling() {}

    public static void main(String[] args) throws Exception {
        String file = "examples/lab.cnn";
        int batch = 256;
        int rounds = 5;
        int[] threadCounts = {1, 2, 4, 8, 16};
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--data" -> dataDir = Path.of(args[++i]);
                default -> file = args[i];
            }
        }
        String path = file;
        var result = Frontend.compile(new SourceFile(path, Files.readString(Path.of(path))));
        Network network = result.network().orElseThrow(() -> new IllegalArgumentException(path + " has errors"));
        Dataset train = Mnist.load(dataDir, System.err).train();
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, Backend.VECTOR);
        System.out.printf(Locale.ROOT, "%s, batch %d, %d cores; seconds per epoch, %d rounds%n", file, batch,
                Runtime.getRuntime().availableProcessors(), rounds);
        double[][] seconds = run(compiled, train, batch, rounds, threadCounts);
        double one = -1;
        for (int v = 0; v < threadCounts.length; v++) {
            double[] sorted = seconds[v].clone();
            Arrays.sort(sorted);
            double median = sorted[rounds / 2];
            if (threadCounts[v] == 1) {
                one = median;
            }
            StringBuilder all = new StringBuilder();
            for (double s : seconds[v]) {
                all.append(String.format(Locale.ROOT, " %.3f", s));
            }
            String efficiency = one > 0 ? String.format(Locale.ROOT, ", efficiency %.0f%%", 100 * one / (threadCounts[v] * median)) : "";
            System.out.printf(Locale.ROOT, "threads %2d: median %.3f s, best %.3f%s |%s%n", threadCounts[v], median, sorted[0],
                    efficiency, all);
        }
    }

    /** Seconds of each round's epoch at each thread count, after a warm-up epoch of each. */
    static double[][] run(CompiledNetwork compiled, Dataset train, int batch, int rounds, int[] threadCounts) {
        float[][] params = TrainingFixtures.initialParams(compiled, 1);
        Targets targets = Targets.of(compiled.network(), train.classes(), 0);
        float[] encoded = Trainer.encode(train, targets);
        boolean[] trainable = new boolean[params.length];
        Arrays.fill(trainable, true);
        var updates = new Trainer.Updates(Optimizers.create(OptimizerKind.RMSPROP, Map.of()),
                new Regularization(compiled.parameters()), trainable);
        int inputs = train.imageSize();
        int outputs = targets.outputs();
        int n = train.count();
        float[] x = new float[batch * inputs];
        float[] t = new float[batch * outputs];
        int[] labels = new int[batch];
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        List<ParallelNetwork> nets = new ArrayList<>();
        double[][] seconds = new double[threadCounts.length][rounds];
        try {
            for (int threads : threadCounts) {
                nets.add(new ParallelNetwork(compiled, params, batch, threads, targets));
            }
            for (int round = -1; round < rounds; round++) {
                for (int v = 0; v < nets.size(); v++) {
                    Trainer.shuffle(order, new SplittableRandom(round + 7));
                    long start = System.nanoTime();
                    for (int step = 0; step * batch < n; step++) {
                        int first = step * batch;
                        int count = Math.min(batch, n - first);
                        Trainer.step(nets.get(v), params, updates, x, t, labels, count, step,
                                Trainer.gather(train, encoded, outputs, order, first, x, t, labels));
                    }
                    if (round >= 0) {
                        seconds[v][round] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
        } finally {
            nets.forEach(ParallelNetwork::close);
        }
        return seconds;
    }
}
