package cnnc.cli;

import cnnc.compile.NetworkInstance;
import cnnc.data.DataException;
import cnnc.data.PngImages;
import cnnc.io.ModelFileException;
import cnnc.model.Network;
import cnnc.model.Shape;
import cnnc.report.JsonOut;
import cnnc.train.ModelFiles;
import cnnc.train.Targets;
import java.nio.file.Path;
import java.util.List;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Classify images (PNG) with a trained network.",
        "The network comes from the model file's metadata; images are resized to its input."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "training output folder, or a model.safetensors")
    Path model;

    @Option(names = "--network", paramLabel = "FILE", description = "the .cnn file, for a model whose metadata "
            + "does not hold its source (default: the model's " + ModelFiles.SOURCE_KEY + ")")
    Path networkFile;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files (PNG)")
    List<Path> images;

    @Option(names = "--json", description = "print one JSON object per image (its class and every output) instead")
    boolean json;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Path modelFile = Sources.modelFile(model);
        var file = Sources.readModel(modelFile);
        Network network = networkFile != null ? Sources.network(networkFile, err) : Sources.fromModel(modelFile, file, err);
        float[][] params;
        int positiveClass;
        try {
            params = ModelFiles.load(file, modelFile.toString(), network);
            positiveClass = ModelFiles.positiveClass(file, modelFile.toString());
        } catch (ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        List<String> names = ModelFiles.classNames(file);
        var normalization = Sources.normalization(file, modelFile);
        int h;
        int w;
        boolean rgb = false;
        if (network.input() instanceof Shape.Volume v && (v.channels() == 1 || v.channels() == 3)) {
            h = v.height();
            w = v.width();
            rgb = v.channels() == 3;
        } else if (network.input() instanceof Shape.Vector vec && vec.length() == 784) {
            h = 28;
            w = 28;
        } else {
            throw new CliError(ExitCodes.INPUT_ERROR, "predict reads grayscale or RGB images; the network's input is "
                    + network.input().text());
        }
        MemoryCheck.check(network, 1, 1, "prediction");
        NetworkInstance net = Sources.compiled(network, err).instantiate(1, params);
        // the weights stay as they are: their layouts (transposed copies, panels) are made once, not per image
        net.holdWeights(true);
        int outputs = network.output().size();
        int code = ExitCodes.OK;
        for (Path image : images) {
            PngImages.Pixels pixels;
            try {
                pixels = rgb ? PngImages.readRgb(image, h, w) : PngImages.read(image, h, w);
            } catch (DataException e) {
                if (json) {
                    out.println(JsonOut.unreadableImage(image.toString(), e.getMessage()));
                } else {
                    err.println("cnnc: " + e.getMessage());
                }
                code = ExitCodes.USAGE_OR_IO;
                continue;
            }
            float[] values = pixels.values();
            normalization.ifPresent(n -> n.applyInPlace(values, channels(network)));
            net.forward(values, 0, 1, false);
            float[] p = (float[]) net.output();
            if (json) {
                out.println(JsonOut.prediction(image.toString(), answer(network, p, outputs, positiveClass, names),
                        java.util.Arrays.copyOf(p, outputs), pixels.inverted()));
                continue;
            }
            out.println(image + ": " + describe(network, p, outputs, positiveClass, names)
                    + (pixels.inverted() ? " (inverted: dark digit on a light background)" : ""));
        }
        out.flush();
        err.flush();
        return code;
    }

    /** The input's channels (a vector input counts as one). */
    private static int channels(Network network) {
        return network.input() instanceof Shape.Volume v ? v.channels() : 1;
    }

    /** @param names the classes' names by label, or empty to name them by number */
    private static String describe(Network network, float[] p, int outputs, int positiveClass, List<String> names) {
        if (Targets.isBinary(network)) {
            return String.format(Locale.ROOT, "%s (p=%.3f that it is a %d)", p[0] >= 0.5f ? positiveClass : "not " + positiveClass,
                    p[0], positiveClass);
        }
        Integer[] order = ranked(p, outputs);
        var s = new StringBuilder().append(name(order[0], names));
        s.append(String.format(Locale.ROOT, " (p=%.3f", p[order[0]]));
        for (int k = 1; k < Math.min(3, outputs); k++) {
            s.append(String.format(Locale.ROOT, "; then %s %.3f", name(order[k], names), p[order[k]]));
        }
        return s.append(')').toString();
    }

    /** The class predict names for the outputs: the top one, or for a binary classifier its digit or "not D". */
    private static String answer(Network network, float[] p, int outputs, int positiveClass, List<String> names) {
        if (Targets.isBinary(network)) {
            return p[0] >= 0.5f ? Integer.toString(positiveClass) : "not " + positiveClass;
        }
        return name(ranked(p, outputs)[0], names);
    }

    /** The labels from the most likely to the least (ties in label order). */
    private static Integer[] ranked(float[] p, int outputs) {
        Integer[] order = new Integer[outputs];
        for (int i = 0; i < outputs; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
        return order;
    }

    private static String name(int label, List<String> names) {
        return label < names.size() ? names.get(label) : Integer.toString(label);
    }
}
