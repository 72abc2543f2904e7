package cnnc.train;

import cnnc.model.Parameter;
import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import cnnc.model.Network;
import cnnc.model.Shape;
import cnnc.report.EpochRecord;
import cnnc.report.History;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Mini-batch training as Keras' fit(): seeded shuffling each epoch, the loss averaged over the
 * batch plus the regularization penalty, one optimizer step per batch, then evaluation on the
 * validation set. Progress and the epoch lines go to {@code out}.
 */
public final class Trainer {
    private final CompiledNetwork compiled;
    private final TrainingConfig config;
    private final PrintWriter out;
    private final boolean live;

    /**
     * @param test the loss (with the regularization penalty, as Keras' evaluate) and accuracy on
     *     the validation set after the last epoch
     * @param diverged whether training stopped because the loss was no longer a number
     */
    public record Result(float[][] parameters, History history, Metrics test, double seconds, boolean diverged) {}

    public record Metrics(double loss, double accuracy) {}

    public Trainer(CompiledNetwork compiled, TrainingConfig config, PrintWriter out, boolean live) {
        this.compiled = compiled;
        this.config = config;
        this.out = out;
        this.live = live;
    }

    /** Checks that the network's input takes the dataset's images; the message says what to write instead. */
    public static void checkFits(Network network, Dataset data) {
        Shape in = network.input();
        boolean fits = in instanceof Shape.Volume v
                ? v.height() == data.height() && v.width() == data.width() && v.channels() == 1
                : in.size() == data.imageSize();
        if (!fits) {
            throw new IllegalArgumentException("the network's input " + in.text() + " does not take the data's "
                    + data.height() + "x" + data.width() + " grayscale images: write `input " + data.height() + "x"
                    + data.width() + "x1`");
        }
    }

    public Result train(float[][] params, Dataset train, Dataset validation) {
        Network network = compiled.network();
        checkFits(network, train);
        if (train.count() == 0) {
            throw new IllegalArgumentException("there are no training images");
        }
        Targets targets = Targets.of(network, train.classes(), config.positiveClass());
        List<Parameter> parameters = compiled.parameters();
        boolean[] trainable = new boolean[parameters.size()];
        for (int t = 0; t < trainable.length; t++) {
            trainable[t] = parameters.get(t).layer().trainable();
        }
        var regularization = new Regularization(parameters);
        Optimizer optimizer = config.newOptimizer();
        int n = train.count();
        int batch = Math.min(config.batch(), n);
        int steps = (n + batch - 1) / batch;
        int inputs = train.imageSize();
        int outputs = targets.outputs();
        float[] trainTargets = encode(train, targets);
        float[] validationTargets = encode(validation, targets);
        float[] x = new float[batch * inputs];
        float[] t = new float[batch * outputs];
        int[] labels = new int[batch];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        out.printf(Locale.ROOT, "Training %s on %,d images (validation %,d): %d epochs, batch %d, %s, %d thread%s%n",
                network.source().name(), n, validation.count(), config.epochs(), batch, optimizer.describe(),
                config.threads(), config.threads() == 1 ? "" : "s");
        History history = History.empty();
        long started = System.nanoTime();
        Metrics last = new Metrics(Double.NaN, Double.NaN);
        boolean diverged = false;
        try (var net = new ParallelNetwork(compiled, params, batch, config.threads(), targets)) {
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                out.printf("Epoch %d/%d%n", epoch, config.epochs());
                long epochStart = System.nanoTime();
                shuffle(order, new SplittableRandom(mix(config.seed(), epoch)));
                var bar = new ProgressBar(out, live, steps);
                double lossSum = 0;
                long correct = 0;
                int seen = 0;
                for (int step = 0; step < steps; step++) {
                    int from = step * batch;
                    int count = Math.min(batch, n - from);
                    for (int i = 0; i < count; i++) {
                        int example = order[from + i];
                        System.arraycopy(train.images(), example * inputs, x, i * inputs, inputs);
                        System.arraycopy(trainTargets, example * outputs, t, i * outputs, outputs);
                        labels[i] = train.labels()[example];
                    }
                    var result = net.trainBatch(x, t, labels, count, mix(config.seed(), epoch * 1_000_003L + step));
                    float[][] grads = net.gradients();
                    float scale = 1f / count;
                    for (float[] g : grads) {
                        for (int i = 0; i < g.length; i++) {
                            g[i] *= scale;
                        }
                    }
                    double penalty = regularization.penalty(params);
                    regularization.addGradient(params, grads);
                    optimizer.step(params, grads, trainable);
                    lossSum += result.lossSum() + penalty * count;
                    correct += result.correct();
                    seen += count;
                    bar.update(step + 1, lossSum / seen, (double) correct / seen);
                }
                Metrics val = evaluate(net, validation, validationTargets, targets, regularization.penalty(params));
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                var record = new EpochRecord(epoch, lossSum / seen, (double) correct / seen, val.loss(), val.accuracy(), seconds);
                history = history.with(record);
                bar.finish(String.format(Locale.ROOT, "loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f",
                        record.loss(), record.accuracy(), record.valLoss(), record.valAccuracy()));
                last = val;
                if (!Double.isFinite(record.loss()) || !finite(params)) {
                    out.println("The loss is no longer a number: training diverged. Try a smaller learning rate (--lr).");
                    diverged = true;
                    break;
                }
            }
        }
        return new Result(params, history, last, (System.nanoTime() - started) / 1e9, diverged);
    }

    private static boolean finite(float[][] params) {
        for (float[] tensor : params) {
            for (float w : tensor) {
                if (!Float.isFinite(w)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Metrics evaluate(ParallelNetwork net, Dataset data, float[] encoded, Targets targets, double penalty) {
        if (data.count() == 0) {
            return new Metrics(Double.NaN, Double.NaN);
        }
        Evaluation e = Evaluation.over(net, data, encoded, targets);
        return new Metrics(e.loss() + penalty, e.accuracy());
    }

    static float[] encode(Dataset data, Targets targets) {
        float[] t = new float[data.count() * targets.outputs()];
        for (int i = 0; i < data.count(); i++) {
            targets.encode(data.labels()[i], t, i * targets.outputs());
        }
        return t;
    }

    /** Fisher-Yates with a seeded generator: the same seed, the same order. */
    static void shuffle(int[] order, SplittableRandom random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }

    static long mix(long seed, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
