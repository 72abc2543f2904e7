package cnnc.cli;

import cnnc.data.DataException;
import cnnc.io.ModelFileException;
import cnnc.io.PrintStreams;
import cnnc.model.Network;
import cnnc.report.JsonOut;
import cnnc.train.Evaluation;
import cnnc.train.ModelFiles;
import cnnc.train.Targets;
import cnnc.train.Trainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Evaluate a trained network on the test set: loss, accuracy, confusion matrix.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "training output folder, or a model.safetensors")
    Path model;

    @Parameters(paramLabel = "FILE", description = "the .cnn file the model was trained from")
    Path file;

    @Option(names = "--data", paramLabel = "DIR", description = "folder with the IDX files, image folders or CSV files, as train takes "
            + "(default: the MNIST cache)")
    Path data;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--json", description = "print the report as one JSON object instead")
    boolean json;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Threads.check(threads, "--threads");
        Network network = Sources.network(file, err);
        Path modelFile = Sources.modelFile(model);
        float[][] params;
        int positiveClass;
        java.util.List<String> classNames;
        java.util.Optional<cnnc.data.Normalization> normalization;
        try {
            var weights = Sources.readModel(modelFile);
            params = ModelFiles.load(weights, modelFile.toString(), network);
            positiveClass = ModelFiles.positiveClass(weights, modelFile.toString());
            classNames = ModelFiles.classNames(weights);
            normalization = Sources.normalization(weights, modelFile);
        } catch (ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        MemoryCheck.check(network, Evaluation.BATCH_PER_THREAD * Threads.resolve(threads), Threads.resolve(threads), "evaluation");
        var compiled = Sources.compiled(network, err);
        cnnc.data.Dataset test;
        try {
            var sets = DataInput.load(data, network, PrintStreams.over(err));
            test = sets.test();
            DataChecks.notEmpty(test, "test", data);
            if (!sets.classNames().isEmpty() && !classNames.isEmpty() && !sets.classNames().equals(classNames)) {
                throw new CliError(ExitCodes.USAGE_OR_IO, data + " has the classes " + String.join(", ", sets.classNames())
                        + " but " + modelFile + " was trained on " + String.join(", ", classNames));
            }
            Trainer.checkFits(network, test);
            if (normalization.isPresent()) {
                test = normalization.get().apply(test);
            }
        } catch (DataException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.INPUT_ERROR, file + ": " + e.getMessage());
        }
        Evaluation result = Evaluation.of(compiled, params, test, Threads.resolve(threads), positiveClass);
        if (json) {
            out.println(JsonOut.evaluation(modelFile.toString(), result.loss(), !LossWords.of(network).isEmpty(),
                    result.accuracy(), test.count(), classLabels(network, positiveClass, classNames, result), result.confusion()));
            out.flush();
            return ExitCodes.OK;
        }
        out.printf(Locale.ROOT, "Test loss: %.4f%s - test accuracy: %.4f (%,d images)%n", result.loss(),
                LossWords.of(network), result.accuracy(), test.count());
        out.println();
        if (Targets.isBinary(network)) {
            out.println("Positive class: digit " + positiveClass);
        }
        out.print(result.confusionTable(classLabels(network, positiveClass, classNames, result)));
        out.flush();
        return ExitCodes.OK;
    }

    /** The names of the confusion matrix's rows and columns: "not D" and "is D", the data's class names, or numbers. */
    private static java.util.List<String> classLabels(Network network, int positiveClass, java.util.List<String> classNames,
            Evaluation result) {
        if (Targets.isBinary(network)) {
            return java.util.List.of("not " + positiveClass, "is " + positiveClass);
        }
        if (!classNames.isEmpty() && classNames.size() == result.confusion().length) {
            return classNames;
        }
        var names = new java.util.ArrayList<String>();
        for (int i = 0; i < result.confusion().length; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }
}
