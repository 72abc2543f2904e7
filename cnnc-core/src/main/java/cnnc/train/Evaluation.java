package cnnc.train;

import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import java.util.Locale;

/**
 * A trained network on a labelled set: mean loss, accuracy and the confusion matrix (rows are
 * true classes, columns predicted ones). The loss includes the regularization penalty, as Keras'
 * evaluate and the validation loss of training do; {@code penalty} says how much of it that is.
 */
public record Evaluation(double loss, double accuracy, int[][] confusion, double penalty) {
    /** Examples each thread evaluates at once. */
    public static final int BATCH_PER_THREAD = 256;

    public Evaluation(double loss, double accuracy, int[][] confusion) {
        this(loss, accuracy, confusion, 0);
    }

    /** @param positiveClass the digit a single sigmoid unit answers "yes" to */
    public static Evaluation of(CompiledNetwork compiled, float[][] params, Dataset data, int threads, int positiveClass) {
        Targets targets = Targets.of(compiled.network(), data.classes(), positiveClass);
        double penalty = new Regularization(compiled.parameters()).penalty(params);
        try (var net = evaluator(compiled, params, threads, targets)) {
            Evaluation e = over(net, data, Trainer.encode(data, targets), targets);
            return new Evaluation(e.loss() + penalty, e.accuracy(), e.confusion(), penalty);
        }
    }

    public static Evaluation of(CompiledNetwork compiled, float[][] params, Dataset data, int threads) {
        return of(compiled, params, data, threads, 0);
    }

    /** The network an evaluation runs on: {@link #BATCH_PER_THREAD} examples a thread at once. */
    static ParallelNetwork evaluator(CompiledNetwork compiled, float[][] params, int threads, Targets targets) {
        return new ParallelNetwork(compiled, params, BATCH_PER_THREAD * threads, threads, targets);
    }

    /** Runs {@code data} through {@code net} in chunks of its capacity. */
    static Evaluation over(ParallelNetwork net, Dataset data, float[] encoded, Targets targets) {
        int chunk = net.capacity();
        int inputs = data.imageSize();
        int outputs = targets.outputs();
        int classes = targets.binary() ? 2 : outputs;
        int[][] confusion = new int[classes][classes];
        float[] x = new float[chunk * inputs];
        float[] t = new float[chunk * outputs];
        int[] labels = new int[chunk];
        int[] predicted = new int[chunk];
        double loss = 0;
        long correct = 0;
        // the weights stay as they are for the whole pass: each instance lays them out once
        net.holdWeights(true);
        try {
            for (int from = 0; from < data.count(); from += chunk) {
                int count = Math.min(chunk, data.count() - from);
                System.arraycopy(data.images(), from * inputs, x, 0, count * inputs);
                System.arraycopy(encoded, from * outputs, t, 0, count * outputs);
                System.arraycopy(data.labels(), from, labels, 0, count);
                var r = net.evaluate(x, t, labels, count, predicted);
                loss += r.lossSum();
                correct += r.correct();
                for (int i = 0; i < count; i++) {
                    confusion[targets.truth(labels[i])][predicted[i]]++;
                }
            }
        } finally {
            net.holdWeights(false);
        }
        int n = Math.max(1, data.count());
        return new Evaluation(loss / n, (double) correct / n, confusion);
    }

    /** The confusion matrix as a table, true classes down, predictions across, each named, e.g. "not 0" and "is 0". */
    public String confusionTable(java.util.List<String> names) {
        int k = confusion.length;
        int width = 5;
        for (String name : names) {
            width = Math.max(width, name.length() + 1);
        }
        for (int[] row : confusion) {
            for (int v : row) {
                width = Math.max(width, Integer.toString(v).length() + 1);
            }
        }
        var out = new StringBuilder();
        int label = 9;
        for (String name : names) {
            label = Math.max(label, name.length() + 1);
        }
        out.append(String.format(Locale.ROOT, "%-" + (label - 1) + "s", "true\\pred"));
        for (int j = 0; j < k; j++) {
            out.append(String.format(Locale.ROOT, "%" + width + "s", names.get(j)));
        }
        out.append(String.format(Locale.ROOT, "%" + (width + 4) + "s%n", "recall"));
        for (int i = 0; i < k; i++) {
            out.append(String.format(Locale.ROOT, "%-" + label + "s", names.get(i)));
            int total = 0;
            for (int j = 0; j < k; j++) {
                out.append(String.format(Locale.ROOT, "%" + width + "d", confusion[i][j]));
                total += confusion[i][j];
            }
            out.append(String.format(Locale.ROOT, "%" + (width + 3) + ".1f%%%n", total == 0 ? 0 : 100.0 * confusion[i][i] / total));
        }
        return out.toString();
    }
}
