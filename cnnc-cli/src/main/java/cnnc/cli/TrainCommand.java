package cnnc.cli;

import cnnc.codegen.Backend;
import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import cnnc.data.IdxReader;
import cnnc.data.Normalization;
import cnnc.data.TrainTest;
import cnnc.io.ModelFileException;
import cnnc.io.PrintStreams;
import cnnc.model.Network;
import cnnc.train.DataSplit;
import cnnc.train.GlorotUniform;
import cnnc.train.ModelFiles;
import cnnc.train.Targets;
import cnnc.train.Trainer;
import cnnc.train.TrainingConfig;
import cnnc.train.TrainingState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Train a network on MNIST (or another dataset in the same format).",
        "Writes model.safetensors, history.csv and loss.png into the output folder,",
        "and checkpoint.safetensors after every epoch for --resume."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "the .cnn file (with --resume it may be left out: "
            + "the checkpoint holds the network)")
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

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the four IDX files, or train/ and test/ with a "
            + "folder of images per class, or train.csv and test.csv (default: fetch MNIST once into the cache)")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: out/NAME for NAME.cnn)")
    Path out;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "start from the weights of matching layers in a model.safetensors (transfer learning)")
    Path initFrom;

    @Option(names = "--limit", paramLabel = "N", description = "train on the first N training images only (quick trials)")
    Integer limit;

    @Option(names = "--normalize", description = "normalize each input channel, (x - mean) / std, with the training "
            + "images' statistics; the model keeps them, so eval, predict and built jars normalize the same way")
    boolean normalize;

    @Option(names = "--positive-class", paramLabel = "DIGIT", description = "for a network ending in `dense 1 sigmoid`: "
            + "the class it answers yes to (default: the file's `positive`, else 0); kept in the model")
    Integer positiveClass;

    @Option(names = "--backend", paramLabel = "NAME", completionCandidates = Sources.BackendNames.class,
            description = "one of ${COMPLETION-CANDIDATES}: vector, the default where this Java has "
            + "jdk.incubator.vector (./cnnc adds it), runs convolution, pooling and dense layers on the Vector API; "
            + "scalar is plain Java only")
    String backend;

    @Option(names = "--resume", paramLabel = "DIR", description = "go on from the checkpoint a run wrote into DIR, up to --epochs "
            + "(give the run's FILE and flags again; --out defaults to DIR)")
    Path resume;

    @Mixin
    TrainingFlags workflow;

    /** Epochs a resumed run had trained before this one. */
    private int resumedEpochs;
    /** The data's class names, kept in the model; empty for digits. */
    private java.util.List<String> classNames = java.util.List.of();
    /** The input normalization of this run, when --normalize asks for one. */
    private Optional<Normalization> normalization = Optional.empty();

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkPositive(epochs, "--epochs");
        checkPositive(batch, "--batch");
        Threads.check(threads, "--threads");
        checkPositive(limit, "--limit");
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--lr must be a positive number, not " + lr);
        }
        if (positiveClass != null && (positiveClass < 0 || positiveClass >= IdxReader.CLASSES)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--positive-class must be a class 0.." + (IdxReader.CLASSES - 1)
                    + ", not " + positiveClass);
        }
        Backend chosen = backend == null ? fastestAvailable(Backend.vectorAvailable(), err) : Sources.backend(backend);
        Network network = network(err);
        boolean binary = Targets.isBinary(network);
        if (positiveClass != null && !binary) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--positive-class applies only to a network that ends in `dense 1 sigmoid`");
        }
        int positive = positiveClass != null ? positiveClass : network.training().positiveClass().orElse(0);
        var overrides = new TrainingConfig.Overrides(epochs, batch, seed, threads, limit, workflow.optimizerKind(),
                workflow.optimizerOptions(network.training(), lr), workflow.validationSplit(), workflow.patience(),
                workflow.schedule(network.training()));
        TrainingConfig config = TrainingConfig.resolve(network.training(), overrides).withPositiveClass(positive);
        if (resume != null && initFrom != null) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--resume and --init-from exclude each other: a resumed run "
                    + "starts from its checkpoint's weights");
        }
        String runName = file != null ? baseName(file) : resume.toAbsolutePath().normalize().getFileName().toString();
        Path outDir = out != null ? out : resume != null ? resume : Path.of("out", runName);
        var results = new TrainingResults(outDir);
        results.checkWritable(file != null ? new Path[] {file} : new Path[0]);
        var checkpoints = new Checkpoints(outDir, network);
        Trainer.Result result;
        try {
            result = train(network, chosen, config, checkpoints, stdout, err);
        } catch (CliError e) {
            checkpoints.undo();
            results.discard();
            throw e;
        }
        if (result.diverged()) {
            stdout.flush();
            checkpoints.undo();
            results.discard();
            throw new CliError(ExitCodes.INPUT_ERROR, "training diverged; nothing was written, " + outDir
                    + " is as it was. Try a smaller learning rate (--lr)");
        }
        stdout.printf(Locale.ROOT, "Test loss: %.4f%s - test accuracy: %.4f (%.2f%%)%n", result.test().loss(),
                LossWords.of(network), result.test().accuracy(), 100 * result.test().accuracy());
        stdout.printf(Locale.ROOT, "Trained in %.1f s (%.2f s per epoch)%n", result.seconds(),
                result.seconds() / Math.max(1, result.history().size() - resumedEpochs));
        if (binary) {
            stdout.println("Positive class: digit " + config.positiveClass() + " (the sigmoid's p is the probability of "
                    + config.positiveClass() + ")");
        }
        results.write(network, result, binary ? config.positiveClass() : -1, classNames, normalization, runName + ".cnn", err);
        stdout.println("Wrote " + outDir.resolve(TrainingResults.MODEL) + ", " + TrainingResults.HISTORY
                + (results.plotWritten() ? " and " + TrainingResults.PLOT : ""));
        stdout.flush();
        return ExitCodes.OK;
    }

    /**
     * The vector backend where this Java has the Vector API's module, else the plain-Java one,
     * saying so: training is then about twice as slow.
     */
    static Backend fastestAvailable(boolean vectorAvailable, PrintWriter err) {
        if (vectorAvailable) {
            return Backend.VECTOR;
        }
        err.println("cnnc: note: this Java was started without " + Backend.VECTOR_MODULE + ", so training runs on the "
                + "plain-Java backend, about half as fast; ./cnnc adds --add-modules " + Backend.VECTOR_MODULE
                + " (or pass --backend scalar to choose it and not see this)");
        return Backend.SCALAR;
    }

    /** Data, compiled code, initial weights, then the epochs; every failure is a CliError. */
    private Trainer.Result train(Network network, Backend chosen, TrainingConfig config, Checkpoints checkpoints,
            PrintWriter stdout, PrintWriter err) {
        Supplier<CompiledNetwork> compiling = Sources.compiledMeanwhile(network, chosen, err);
        TrainTest sets = DataInput.load(data, network, PrintStreams.over(err));
        classNames = sets.classNames();
        DataChecks.notEmpty(sets.train(), "training", data);
        DataChecks.notEmpty(sets.test(), "test", data);
        var train = limit == null || limit >= sets.train().count() ? sets.train() : sets.train().slice(0, limit);
        try {
            Trainer.checkFits(network, train);
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.INPUT_ERROR, network.source().name() + ": " + e.getMessage());
        }
        DataSplit split = split(train, sets.test(), config);
        if (normalize) {
            Normalization norm = Normalization.of(split.train());
            normalization = Optional.of(norm);
            split = normalized(split, norm);
            stdout.println("Normalizing the input: " + norm.toMetadata().replace(";", ", "));
        }
        MemoryCheck.check(network, Math.min(config.batch(), split.train().count()), config.threads(), "training");
        CompiledNetwork compiled = compiling.get();
        float[][] params = (float[][]) compiled.newParameters();
        GlorotUniform.initialize(compiled.parameters(), params, config.seed());
        var settings = RunSettings.of(config, chosen, split);
        settings.put("normalize", normalization.map(Normalization::toMetadata).orElse("no"));
        TrainingState from = null;
        if (resume != null) {
            from = Resumption.load(resume, network, settings, config, params);
            resumedEpochs = from.epoch();
            stdout.println("Resuming from " + resume.resolve(Checkpoints.FILE) + " after epoch " + from.epoch());
        }
        if (initFrom != null) {
            Path initFile = Sources.modelFile(initFrom);
            var model = Sources.readModel(initFile);
            stdout.println("Initialising from " + initFrom + ":");
            try {
                ModelFiles.copyMatching(model, initFile.toString(), network, params).forEach(line -> stdout.println("  " + line));
            } catch (ModelFileException e) {
                throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
            }
        }
        try {
            return new Trainer(compiled, config, err, Streams.interactive())
                    .withCheckpoints(state -> checkpoints.write(state, settings))
                    .train(params, split, from);
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.INPUT_ERROR, network.source().name() + ": " + e.getMessage());
        }
    }

    /** Every set of the split normalized, the validation set once when it is the test set. */
    private static DataSplit normalized(DataSplit split, Normalization norm) {
        Dataset test = norm.apply(split.test());
        Dataset validation = split.validation() == split.test() ? test : norm.apply(split.validation());
        return new DataSplit(norm.apply(split.train()), validation, test, split.heldOut());
    }

    private static DataSplit split(Dataset train, Dataset test, TrainingConfig config) {
        if (config.validationSplit() == 0) {
            return DataSplit.validateOnTest(train, test);
        }
        try {
            return DataSplit.holdOut(train, test, config.validationSplit());
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
    }

    /** FILE, or the network a resumed run's checkpoint holds. */
    private Network network(PrintWriter err) {
        if (file != null) {
            return Sources.network(file, err);
        }
        if (resume == null) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "give the .cnn FILE to train (or --resume DIR to go on with the network "
                    + "of DIR's checkpoint)");
        }
        Path checkpoint = resume.resolve(Checkpoints.FILE);
        return Sources.fromModel(checkpoint, Sources.readModel(checkpoint), err);
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
}
