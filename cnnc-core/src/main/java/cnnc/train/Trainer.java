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
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Mini-batch training as Keras' fit(): seeded shuffling each epoch, the loss averaged over the
 * batch plus the regularization penalty, one optimizer step per batch, then evaluation on the
 * validation set; a schedule sets each epoch's learning rate and early stopping may end the run
 * and keep its best epoch. Progress and the epoch lines go to {@code out}.
 */
public final class Trainer {
    private final CompiledNetwork compiled;
    private final TrainingConfig config;
    private final PrintWriter out;
    private final boolean live;
    private Consumer<TrainingState> checkpoints = state -> {};

    /**
     * @param test the loss (with the regularization penalty, as Keras' evaluate) and accuracy on
     *     the validation set after the last epoch
     * @param diverged whether training stopped because the loss was no longer a number
     * @param keptEpoch the epoch whose weights {@code parameters} holds
     */
    public record Result(float[][] parameters, History history, Metrics test, double seconds, boolean diverged,
            int keptEpoch) {
        /** A run that kept its last epoch. */
        public Result(float[][] parameters, History history, Metrics test, double seconds, boolean diverged) {
            this(parameters, history, test, seconds, diverged, history.size());
        }
    }

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
                ? v.height() == data.height() && v.width() == data.width() && v.channels() == data.channels()
                : in.size() == data.imageSize();
        if (!fits) {
            String kind = data.channels() == 1 ? "grayscale" : data.channels() == 3 ? "RGB" : data.channels() + "-channel";
            throw new IllegalArgumentException("the network's input " + in.text() + " does not take the data's "
                    + data.height() + "x" + data.width() + " " + kind + " images: write `input " + data.height() + "x"
                    + data.width() + "x" + data.channels() + "`");
        }
    }

    public Result train(float[][] params, Dataset train, Dataset validation) {
        return train(params, DataSplit.validateOnTest(train, validation));
    }

    public Result train(float[][] params, DataSplit data) {
        return train(params, data, null);
    }

    /** Calls {@code listener} at the end of each epoch trained (not one that diverged), before the next. */
    public Trainer withCheckpoints(Consumer<TrainingState> listener) {
        this.checkpoints = listener;
        return this;
    }

    /**
     * Trains up to the configured epoch count, from the start or, given {@code resumeFrom}, from the
     * epoch after its with its weights (in {@code params}) and optimizer state.
     */
    public Result train(float[][] params, DataSplit data, TrainingState resumeFrom) {
        Dataset train = data.train();
        Dataset validation = data.validation();
        Network network = compiled.network();
        checkFits(network, train);
        if (train.count() == 0) {
            throw new IllegalArgumentException("there are no training images");
        }
        Targets targets = Targets.of(network, train.classes(), config.positiveClass());
        List<Parameter> parameters = compiled.parameters();
        boolean[] trainable = new boolean[parameters.size()];
        for (int t = 0; t < trainable.length; t++) {
            trainable[t] = parameters.get(t).trainable();
        }
        var regularization = new Regularization(parameters);
        Optimizer optimizer = config.newOptimizer();
        Optional<LearningRateSchedule> schedule = config.newSchedule();
        EarlyStopping early = config.patience() > 0 ? new EarlyStopping(config.patience()) : null;
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
        out.printf(Locale.ROOT, "Training %s on %,d images (%s): %d epochs, batch %d, %s%s, %d thread%s%n",
                network.source().name(), n, data.describeValidation(), config.epochs(), batch, optimizer.describe(),
                schedule.map(s -> ", schedule " + s.describe()).orElse("")
                        + (early != null ? ", patience " + config.patience() : ""),
                config.threads(), config.threads() == 1 ? "" : "s");
        History history = History.empty();
        int first = 1;
        if (resumeFrom != null) {
            history = resumeFrom.history();
            first = resumeFrom.epoch() + 1;
            resume(resumeFrom, order, optimizer, schedule, early);
        }
        long started = System.nanoTime();
        Metrics last = new Metrics(Double.NaN, Double.NaN);
        boolean diverged = false;
        int keptEpoch = first - 1;
        var updates = new Updates(optimizer, regularization, trainable);
        if (compiled.usesVectorApi() && first <= config.epochs()) {
            JitWarmUp.run(compiled, params, config, targets, train, trainTargets, updates);
        }
        try (var net = new ParallelNetwork(compiled, params, batch, config.threads(), targets)) {
            for (int epoch = first; epoch <= config.epochs(); epoch++) {
                out.printf("Epoch %d/%d%n", epoch, config.epochs());
                long epochStart = System.nanoTime();
                int e = epoch;
                schedule.ifPresent(s -> optimizer.setLearningRate(s.rate(e)));
                shuffle(order, new SplittableRandom(mix(config.seed(), epoch)));
                var bar = new ProgressBar(out, live, steps);
                double lossSum = 0;
                long correct = 0;
                int seen = 0;
                for (int step = 0; step < steps; step++) {
                    int start = step * batch;
                    int count = Math.min(batch, n - start);
                    ParallelNetwork.Rows rows = gather(train, trainTargets, outputs, order, start, x, t, labels);
                    double penalty = regularization.penalty(params);
                    var result = step(net, params, updates, x, t, labels, count, mix(config.seed(), epoch * 1_000_003L + step),
                            rows);
                    lossSum += result.lossSum() + penalty * count;
                    correct += result.correct();
                    seen += count;
                    bar.update(step + 1, lossSum / seen, (double) correct / seen);
                }
                Metrics val = evaluate(net, validation, validationTargets, targets, regularization.penalty(params));
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                var record = new EpochRecord(epoch, lossSum / seen, (double) correct / seen, val.loss(), val.accuracy(),
                        seconds, optimizer.learningRate());
                history = history.with(record);
                bar.finish(String.format(Locale.ROOT, "loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f%s",
                        record.loss(), record.accuracy(), record.valLoss(), record.valAccuracy(),
                        schedule.isPresent() ? " - lr: " + progbarNumber(record.lr()) : ""));
                last = val;
                keptEpoch = epoch;
                if (!Double.isFinite(record.loss()) || !finite(params)) {
                    out.println("The loss is no longer a number: training diverged. Try a smaller learning rate (--lr).");
                    diverged = true;
                    break;
                }
                schedule.ifPresent(s -> s.observe(e, val.loss()));
                boolean stop = early != null && early.observe(epoch, val.loss(), params);
                checkpoints.accept(new TrainingState(epoch, params, optimizer.state(), history,
                        early == null ? 0 : early.bestEpoch(), early == null ? null : early.bestParams()));
                if (stop) {
                    out.printf(Locale.ROOT, "Early stopping: val_loss has not improved for %d epochs%n", config.patience());
                    break;
                }
            }
            if (early != null && !diverged && early.bestEpoch() > 0) {
                keptEpoch = keepBest(early, params, keptEpoch);
            }
            if (!diverged && (data.heldOut() || early != null)) {
                // the test set is measured once, on the weights that are kept
                last = evaluate(net, data.test(), encode(data.test(), targets), targets, regularization.penalty(params));
            }
        }
        return new Result(params, history, last, (System.nanoTime() - started) / 1e9, diverged, keptEpoch);
    }

    /** How a step changes the weights: the optimizer, the regularization and which tensors train. */
    record Updates(Optimizer optimizer, Regularization regularization, boolean[] trainable) {}

    /**
     * One training step over {@code count} examples: each thread's slice forward and backward, then
     * each tensor's summed, averaged gradient regularized and, where the tensor trains, applied.
     */
    static ParallelNetwork.BatchResult step(ParallelNetwork net, float[][] params, Updates updates, float[] x, float[] t,
            int[] labels, int count, long seed, ParallelNetwork.Rows rows) {
        var result = net.trainBatch(x, t, labels, count, seed, rows);
        updates.optimizer().beginStep(params);
        float[][] grads = net.gradients();
        net.finishStep(count, (k, lo, hi) -> {
            updates.regularization().addGradient(params, grads, k, lo, hi);
            if (updates.trainable()[k]) {
                updates.optimizer().update(params, grads, k, lo, hi);
            }
        });
        return result;
    }

    /**
     * Rows that gather a step's examples, {@code order[start]} onwards, from {@code data} with their
     * {@code encoded} targets ({@code outputs} values each) and labels into the step's arrays: each
     * thread gathers its own slice of the shuffled examples.
     */
    static ParallelNetwork.Rows gather(Dataset data, float[] encoded, int outputs, int[] order, int start, float[] x, float[] t,
            int[] labels) {
        int inputs = data.imageSize();
        return (from, size) -> {
            for (int i = from; i < from + size; i++) {
                int example = order[start + i];
                System.arraycopy(data.images(), example * inputs, x, i * inputs, inputs);
                System.arraycopy(encoded, example * outputs, t, i * outputs, outputs);
                labels[i] = data.labels()[example];
            }
        };
    }

    /** Brings the order, the optimizer, the schedule and early stopping to where {@code from} left them. */
    private void resume(TrainingState from, int[] order, Optimizer optimizer, Optional<LearningRateSchedule> schedule,
            EarlyStopping early) {
        for (int epoch = 1; epoch <= from.epoch(); epoch++) {
            shuffle(order, new SplittableRandom(mix(config.seed(), epoch)));
        }
        optimizer.restore(from.optimizer());
        schedule.ifPresent(s -> from.history().epochs().forEach(r -> s.observe(r.epoch(), r.valLoss())));
        if (early != null) {
            early.resume(from.history(), from.bestParams());
        }
    }

    /** Puts the best epoch's weights back in place (the workers share these arrays) and says so. */
    private int keepBest(EarlyStopping early, float[][] params, int lastEpoch) {
        if (early.bestEpoch() == lastEpoch) {
            out.printf(Locale.ROOT, "Kept the last epoch, %d, the best (val_loss %.4f)%n", lastEpoch, early.bestLoss());
            return lastEpoch;
        }
        float[][] best = early.bestParams();
        for (int k = 0; k < params.length; k++) {
            System.arraycopy(best[k], 0, params[k], 0, params[k].length);
        }
        out.printf(Locale.ROOT, "Restored epoch %d (val_loss %.4f)%n", early.bestEpoch(), early.bestLoss());
        return early.bestEpoch();
    }

    /** As Keras' progress bar writes a metric: 4 decimals above 1e-3, else 4 significant digits in e-notation. */
    static String progbarNumber(double value) {
        return Math.abs(value) > 1e-3 ? String.format(Locale.ROOT, "%.4f", value) : String.format(Locale.ROOT, "%.4e", value);
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
