package cnnc.cli;

import cnnc.codegen.Backend;
import cnnc.compile.CompiledNetwork;
import cnnc.data.DataException;
import cnnc.data.Mnist;
import cnnc.data.TrainTest;
import cnnc.io.ModelFileException;
import cnnc.model.Network;
import cnnc.report.HistoryCsv;
import cnnc.report.LossPlot;
import cnnc.train.GlorotUniform;
import cnnc.train.ModelFiles;
import cnnc.train.Trainer;
import cnnc.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Train a network on MNIST (or another dataset in the same format).",
        "Writes model.safetensors, history.csv and loss.png into the output folder."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training set (default: the file's `epochs`, else 10)")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "examples per step (default: the file's `batch`, else 32)")
    Integer batch;

    @Option(names = "--seed", paramLabel = "N", description = "random seed for initialisation, shuffling and dropout (default: the file's `seed`, else 1)")
    Long seed;

    @Option(names = "--lr", paramLabel = "X", description = "learning rate (default: the file's, else the optimizer's)")
    Double lr;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the four IDX files (default: fetch MNIST once into the cache)")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: out/NAME for NAME.cnn)")
    Path out;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "start from the weights of matching layers in a model.safetensors (transfer learning)")
    Path initFrom;

    @Option(names = "--limit", paramLabel = "N", description = "train on the first N training images only (quick trials)")
    Integer limit;

    @Option(names = "--backend", paramLabel = "NAME", description = "scalar (default: plain Java) or vector "
            + "(convolution, pooling and dense layers on the incubating Vector API; faster, needs --add-modules jdk.incubator.vector, which ./cnnc adds)")
    String backend;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkPositive(epochs, "--epochs");
        checkPositive(batch, "--batch");
        checkPositive(threads, "--threads");
        checkPositive(limit, "--limit");
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--lr must be a positive number, not " + lr);
        }
        Backend chosen = Sources.backend(backend);
        Network network = Sources.network(file, err);
        TrainingConfig config = TrainingConfig.resolve(network.training(), optional(epochs), optional(batch),
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed), optional(threads),
                lr == null ? OptionalDouble.empty() : OptionalDouble.of(lr), limit == null ? 0 : limit);
        Path outDir = out != null ? out : Path.of("out", baseName(file));
        TrainTest sets = loadData(stdout);
        var train = limit == null || limit >= sets.train().count() ? sets.train() : sets.train().slice(0, limit);
        try {
            Trainer.checkFits(network, train);
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.INPUT_ERROR, file + ": " + e.getMessage());
        }
        CompiledNetwork compiled = Sources.compiled(network, chosen, err);
        float[][] params = (float[][]) compiled.newParameters();
        GlorotUniform.initialize(compiled.parameters(), params, config.seed());
        if (initFrom != null) {
            var model = Sources.readModel(Sources.modelFile(initFrom));
            stdout.println("Initialising from " + initFrom + ":");
            ModelFiles.copyMatching(model, network, params).forEach(line -> stdout.println("  " + line));
        }
        Trainer.Result result;
        try {
            result = new Trainer(compiled, config, stdout, Streams.interactive()).train(params, train, sets.test());
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.INPUT_ERROR, file + ": " + e.getMessage());
        }
        stdout.printf(Locale.ROOT, "Test loss: %.4f - test accuracy: %.4f (%.2f%%)%n", result.test().loss(),
                result.test().accuracy(), 100 * result.test().accuracy());
        stdout.printf(Locale.ROOT, "Trained in %.1f s (%.2f s per epoch)%n", result.seconds(),
                result.seconds() / Math.max(1, result.history().size()));
        try {
            ModelFiles.save(outDir.resolve("model.safetensors"), network, result.parameters());
            HistoryCsv.write(outDir.resolve("history.csv"), result.history());
            LossPlot.write(outDir.resolve("loss.png"), result.history(), baseName(file) + ".cnn");
        } catch (IOException | ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "cannot write the results to " + outDir + ": " + e.getMessage());
        }
        stdout.println("Wrote " + outDir.resolve("model.safetensors") + ", history.csv and loss.png");
        stdout.flush();
        return ExitCodes.OK;
    }

    private TrainTest loadData(PrintWriter stdout) {
        try {
            return Mnist.load(data, Streams.printStream(stdout));
        } catch (DataException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
    }

    static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static void checkPositive(Integer value, String option) {
        if (value != null && value < 1) {
            throw new CliError(ExitCodes.USAGE_OR_IO, option + " must be at least 1, not " + value);
        }
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
