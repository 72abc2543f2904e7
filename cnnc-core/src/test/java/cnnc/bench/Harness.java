package cnnc.bench;

import cnnc.codegen.Backend;
import cnnc.codegen.JavaGenerator;
import cnnc.model.Parameter;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.data.Dataset;
import cnnc.data.Mnist;
import cnnc.data.MnistFiles;
import cnnc.model.Network;
import cnnc.report.EpochRecord;
import cnnc.train.EvaluationPasses;
import cnnc.train.GlorotUniform;
import cnnc.train.Trainer;
import cnnc.train.TrainingConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * cnnc against PyTorch on this machine, in one run: seconds per training epoch (median of the
 * timed epochs after a warm-up one, each network and backend trained in a JVM of its own, as a
 * user's run is), test-set inference throughput, and single-image latency (JMH, sampled per
 * call) for the course lab network and MLP. Run it with {@code bench/run}.
 */
public final class Harness {
    private static final Map<String, Integer> BATCH = Map.of("lab", 256, "mlp", 128);

    /**
     * {@code vectorEpochSeconds}: with {@code --backend vector}, NaN when it has no vector code for
     * the network; {@code evalImagesPerSecond}: the test set through {@code cnnc eval}'s code (the
     * training class on the default backend), {@code imagesPerSecond} through the embedded class.
     */
    record Figures(double epochSeconds, double vectorEpochSeconds, double evalImagesPerSecond, double imagesPerSecond,
            double latencyMedianUs, double latencyP99Us) {}

    /** Makes this JVM train one network on one backend and print its epoch time ({@link #forkedEpoch}). */
    private static final String ONE_EPOCH = "--one-epoch";
    private static final String EPOCH_LINE = "epoch_seconds ";

    public static void main(String[] args) throws Exception {
        if (args.length == 6 && args[0].equals(ONE_EPOCH)) {
            Network network = EmbeddedNetworks.network(Path.of("examples", args[1] + ".cnn"));
            var data = Mnist.load(MnistFiles.in(MnistFiles.locate(null, System.err).trainImages().getParent()));
            System.out.println(EPOCH_LINE + trainingEpoch(network, data.train(), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), Backend.valueOf(args[2])));
            return;
        }
        var options = new LinkedHashMap<String, String>(Map.of("networks", "lab,mlp", "epochs", "3",
                "threads", Integer.toString(Runtime.getRuntime().availableProcessors()), "python", "", "pytorch-runs", "2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int threads = Integer.parseInt(options.get("threads"));
        int epochs = Integer.parseInt(options.get("epochs"));
        List<String> networks = List.of(options.get("networks").split(","));
        System.out.printf("Machine: %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"));
        Path mnist = MnistFiles.locate(null, System.out).trainImages().getParent();
        var data = Mnist.load(MnistFiles.in(mnist));

        var cnnc = new LinkedHashMap<String, Figures>();
        for (String name : networks) {
            System.out.println("cnnc: " + name + " ...");
            Network network = EmbeddedNetworks.network(Path.of("examples", name + ".cnn"));
            double epoch = forkedEpoch(name, Backend.SCALAR, threads, epochs);
            double evaluated = evalThroughput(network, data.test(), threads);
            double throughput = throughput(network, data.test(), threads);
            double[] latency = latency(name);
            double vector = JavaGenerator.usesVectors(network, Backend.VECTOR) && Backend.vectorAvailable()
                    ? forkedEpoch(name, Backend.VECTOR, threads, epochs)
                    : Double.NaN;
            cnnc.put(name, new Figures(epoch, vector, evaluated, throughput, latency[0], latency[1]));
        }
        Map<String, Figures> torch = Map.of();
        if (!options.get("python").isEmpty()) {
            for (int run = 0; run < Integer.parseInt(options.get("pytorch-runs")); run++) {
                torch = best(torch, pytorch(options.get("python"), mnist, networks, threads, epochs));
            }
        }
        print(cnnc, torch, threads);
    }

    /**
     * {@link #trainingEpoch} in a JVM of its own, started with this one's options (the vector
     * backend's module and JIT settings among them). Trained after the other figures in one JVM,
     * the MLP's vector epochs took 0.65-0.75 s instead of 0.58-0.61: a user's run trains one
     * network in a fresh JVM.
     */
    static double forkedEpoch(String name, Backend backend, int threads, int epochs) throws Exception {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Harness.class.getName(), ONE_EPOCH, name,
                backend.name(), Integer.toString(BATCH.get(name)), Integer.toString(threads), Integer.toString(epochs)));
        double[] seconds = {Double.NaN};
        int exit = run(command, line -> {
            if (line.startsWith(EPOCH_LINE)) {
                seconds[0] = Double.parseDouble(line.substring(EPOCH_LINE.length()));
            }
        });
        if (exit != 0 || Double.isNaN(seconds[0])) {
            throw new IllegalStateException("training " + name + " on the " + backend + " backend in a JVM of its own failed (exit "
                    + exit + ")");
        }
        return seconds[0];
    }

    /** Runs {@code command}, standard error discarded, handing each line of its output to {@code eachLine}; its exit status. */
    private static int run(List<String> command, Consumer<String> eachLine) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(eachLine);
        }
        return process.waitFor();
    }

    /** Median seconds of the timed epochs; the first epoch warms the JIT up and is not counted. */
    static double trainingEpoch(Network network, Dataset train, int batch, int threads, int epochs, Backend backend) {
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
        List<Parameter> parameters = compiled.parameters();
        float[][] params = (float[][]) compiled.newParameters();
        GlorotUniform.initialize(parameters, params, 1);
        var config = new TrainingConfig(epochs + 1, batch, 1, threads, cnnc.ast.OptimizerKind.RMSPROP, Map.of(), 0);
        var none = new Dataset(new float[0], new int[0], 0, train.height(), train.width(), train.classes());
        var result = new Trainer(compiled, config, new PrintWriter(new StringWriter()), false).train(params, train, none);
        double[] seconds = result.history().epochs().stream().skip(1).mapToDouble(EpochRecord::seconds).sorted().toArray();
        return seconds[seconds.length / 2];
    }

    /**
     * Images per second over the test set as {@code cnnc eval} runs it (loss, accuracy and
     * confusion matrix, on the default backend), its parameters Glorot-initialized: the best of ten
     * passes through one evaluator after ten to warm up.
     */
    static double evalThroughput(Network network, Dataset test, int threads) {
        Backend backend = Backend.vectorAvailable() ? Backend.VECTOR : Backend.SCALAR;
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
        float[][] params = (float[][]) compiled.newParameters();
        GlorotUniform.initialize(compiled.parameters(), params, 1);
        return EvaluationPasses.imagesPerSecond(compiled, params, test, threads, 10, 10);
    }

    /** Images per second over the test set through the embedded class, split over the threads; best of ten runs after ten to warm up. */
    static double throughput(Network network, Dataset test, int threads) throws Exception {
        List<Parameter> parameters = Parameter.of(network);
        float[][] params = new float[parameters.size()][];
        for (int i = 0; i < params.length; i++) {
            params[i] = new float[parameters.get(i).size()];
        }
        GlorotUniform.initialize(parameters, params, 1);
        var loaded = EmbeddedNetworks.load(network, params);
        float[][] images = new float[test.count()][];
        for (int i = 0; i < images.length; i++) {
            images[i] = test.image(i);
        }
        int per = (images.length + threads - 1) / threads;
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 20; run++) {
            long start = System.nanoTime();
            var workers = new ArrayList<Thread>();
            for (int t = 0; t < threads; t++) {
                float[][] part = Arrays.copyOfRange(images, Math.min(images.length, t * per), Math.min(images.length, (t + 1) * per));
                var worker = new Thread(() -> {
                    try {
                        for (int from = 0; from < part.length; from += 256) {
                            float[][] chunk = Arrays.copyOfRange(part, from, Math.min(part.length, from + 256));
                            float[][] out = (float[][]) loaded.predictMany().invokeExact(loaded.instance(), chunk);
                            if (out.length != chunk.length) {
                                throw new IllegalStateException("lost predictions");
                            }
                        }
                    } catch (Throwable e) {
                        throw new IllegalStateException(e);
                    }
                });
                worker.start();
                workers.add(worker);
            }
            for (Thread w : workers) {
                w.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run >= 10) {
                best = Math.min(best, seconds);
            }
        }
        return images.length / best;
    }

    /** Median and 99th percentile of single-image latency in microseconds, from JMH. */
    static double[] latency(String network) throws Exception {
        var opts = new OptionsBuilder()
                .include(LatencyBenchmark.class.getName() + ".predictOne")
                .param("network", network)
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true)
                .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
                .build();
        RunResult result = new Runner(opts).runSingle();
        var stats = result.getPrimaryResult().getStatistics();
        return new double[] {stats.getPercentile(50), stats.getPercentile(99)};
    }

    static Map<String, Figures> pytorch(String python, Path mnist, List<String> networks, int threads, int epochs)
            throws Exception {
        System.out.println("PyTorch ...");
        var command = List.of(python, "bench/pytorch_bench.py", mnist.toString(), "--threads", Integer.toString(threads),
                "--epochs", Integer.toString(epochs), "--networks", String.join(",", networks));
        var out = new LinkedHashMap<String, Figures>();
        int exit = run(command, line -> {
            if (line.startsWith("{")) {
                double images = number(line, "images_per_second");
                out.put(text(line, "network"), new Figures(number(line, "epoch_seconds"), Double.NaN, images, images,
                        number(line, "latency_median_us"), number(line, "latency_p99_us")));
                if (line.contains("\"torch\": \"")) {
                    torchVersion = text(line, "torch");
                }
            }
        });
        if (exit != 0) {
            System.out.println("PyTorch run failed (exit " + exit + "); its figures are left out");
        }
        return out;
    }

    private static String torchVersion = "?";

    /**
     * Each of PyTorch's figures at the better of {@code a}'s and {@code b}'s. Its lab network runs in
     * one of two modes from one period to the next (52-55 or 77-81 us an image on the 2-core
     * machine), and a ratio against the slow one flatters cnnc.
     */
    static Map<String, Figures> best(Map<String, Figures> a, Map<String, Figures> b) {
        var out = new LinkedHashMap<String, Figures>(b);
        a.forEach((name, x) -> out.merge(name, x, (y, z) -> new Figures(Math.min(y.epochSeconds(), z.epochSeconds()),
                Double.NaN, Math.max(y.evalImagesPerSecond(), z.evalImagesPerSecond()), Math.max(y.imagesPerSecond(), z.imagesPerSecond()),
                Math.min(y.latencyMedianUs(), z.latencyMedianUs()), Math.min(y.latencyP99Us(), z.latencyP99Us()))));
        return out;
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE+]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    static void print(Map<String, Figures> cnnc, Map<String, Figures> torch, int threads) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-5s %-28s %12s %14s %10s%n", "net", "metric (" + threads + " threads)", "cnnc",
                "PyTorch " + torchVersion, "ratio");
        for (var entry : cnnc.entrySet()) {
            Figures c = entry.getValue();
            Figures t = torch.get(entry.getKey());
            row(entry.getKey(), "s per epoch, --backend scalar", c.epochSeconds(), t == null ? Double.NaN : t.epochSeconds(), true);
            if (!Double.isNaN(c.vectorEpochSeconds())) {
                row("", "  vector (the default)", c.vectorEpochSeconds(), t == null ? Double.NaN : t.epochSeconds(), true);
            }
            row("", "test set images/s, cnnc eval", c.evalImagesPerSecond(), t == null ? Double.NaN : t.imagesPerSecond(), false);
            row("", "  embedded class", c.imagesPerSecond(), t == null ? Double.NaN : t.imagesPerSecond(), false);
            row("", "1-image latency median (us)", c.latencyMedianUs(), t == null ? Double.NaN : t.latencyMedianUs(), true);
            row("", "1-image latency p99 (us)", c.latencyP99Us(), t == null ? Double.NaN : t.latencyP99Us(), true);
        }
        System.out.println("ratio: how many times faster cnnc is (below 1: slower)");
    }

    private static void row(String net, String metric, double cnnc, double torch, boolean lowerIsBetter) {
        double ratio = lowerIsBetter ? torch / cnnc : cnnc / torch;
        System.out.printf(Locale.ROOT, "%-5s %-28s %12s %14s %10s%n", net, metric, format(cnnc), format(torch),
                Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio));
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
