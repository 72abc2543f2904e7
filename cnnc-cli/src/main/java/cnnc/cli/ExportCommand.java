package cnnc.cli;

import cnnc.io.AtomicFiles;
import cnnc.io.ModelFileException;
import cnnc.io.SafeTensorsFile;
import cnnc.model.Network;
import cnnc.onnx.OnnxExport;
import cnnc.train.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Write a trained network as an ONNX model (opset " + OnnxExport.OPSET + "), e.g. for ONNX Runtime.",
        "Input N x H x W x C (channels last, as cnnc's) or N x L; output N x K."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "the .cnn file the weights were trained from "
            + "(default: the model's " + ModelFiles.SOURCE_KEY + ")")
    Path file;

    // Both names, so that export reads its model as build (--weights) and as eval and predict (--model) do
    @Option(names = {"--weights", "--model"}, paramLabel = "MODEL", required = true,
            description = "the trained model.safetensors, or the training output folder holding it")
    Path weights;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.onnx", required = true, description = "the ONNX file to write")
    Path output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.isDirectory(output)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "-o " + output + " is a directory; give the model's file name, e.g. "
                    + output.resolve("network.onnx"));
        }
        Path modelFile = Sources.modelFile(weights);
        Outputs.check(output, "-o", file, modelFile);
        Network network = file != null ? Sources.network(file, err) : null;
        SafeTensorsFile model = Sources.readModel(modelFile);
        if (network == null) {
            if (!model.metadata().containsKey(ModelFiles.SOURCE_KEY)) {
                throw new CliError(ExitCodes.USAGE_OR_IO, modelFile + " does not say which network it holds (no "
                        + ModelFiles.SOURCE_KEY + " metadata); give the .cnn file it was trained from: cnnc export FILE --model "
                        + weights + " -o " + output);
            }
            network = Sources.fromModel(modelFile, model, err);
        }
        float[][] params;
        try {
            params = ModelFiles.load(model, modelFile.toString(), network);
        } catch (ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        if (file != null) {
            Sources.warnIfTrainedFromAnotherText(model, modelFile, network, file, err);
        }
        byte[] bytes;
        try {
            bytes = OnnxExport.toBytes(network, params, Sources.normalization(model, modelFile));
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.INPUT_ERROR, network.source().name() + ": " + e.getMessage());
        }
        try {
            AtomicFiles.write(output, bytes);
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        out.printf(Locale.ROOT, "Wrote %s (%,d bytes): %s, ONNX opset %d%n", output, bytes.length,
                file != null ? file + " with the weights of " + modelFile : "the network of " + modelFile, OnnxExport.OPSET);
        out.printf(Locale.ROOT, "Input %s: %s; output %s: %s%n", OnnxExport.INPUT,
                OnnxExport.dims(network.input()), OnnxExport.OUTPUT, OnnxExport.dims(network.output()));
        out.flush();
        return ExitCodes.OK;
    }
}
