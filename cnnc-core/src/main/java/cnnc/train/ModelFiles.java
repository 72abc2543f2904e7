package cnnc.train;

import cnnc.Version;
import cnnc.codegen.InferenceOptions;
import cnnc.data.Normalization;
import cnnc.io.Echo;
import cnnc.io.ModelFileException;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.io.Tensor;
import cnnc.model.Network;
import cnnc.model.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * model.safetensors for a network: tensors named and laid out as PyTorch's (DESIGN 1.5), with
 * the .cnn source and the compiler version in the metadata, so the file alone says what it is.
 */
public final class ModelFiles {
    public static final String SOURCE_KEY = "cnn_source";
    public static final String VERSION_KEY = "cnnc_version";
    /** The digit a single sigmoid unit answers "yes" to; written only for such networks. */
    public static final String POSITIVE_CLASS_KEY = "positive_class";

    /** The classes' names by label, one per line, for data read from image folders. */
    public static final String CLASS_NAMES_KEY = "class_names";

    private ModelFiles() {}

    /** The class names a model was trained with, by label; empty where its labels are the names (digits). */
    public static List<String> classNames(SafeTensorsFile file) {
        String value = file.metadata().get(CLASS_NAMES_KEY);
        return value == null || value.isEmpty() ? List.of() : List.of(value.split("\n", -1));
    }

    public static void save(Path path, Network network, float[][] params) throws IOException {
        save(path, network, params, Map.of());
    }

    /** Saves with more metadata after the standard keys, e.g. the positive class or a run's checksums. */
    public static void save(Path path, Network network, float[][] params, Map<String, String> extra) throws IOException {
        var metadata = metadata(network);
        metadata.putAll(new java.util.TreeMap<>(extra));
        SafeTensors.write(path, tensors(network, params), metadata);
    }

    /** The positive class a model was trained with: its metadata's, else digit 0 (older models). */
    public static int positiveClass(SafeTensorsFile file, String fileName) {
        String value = file.metadata().get(POSITIVE_CLASS_KEY);
        if (value == null) {
            return 0;
        }
        if (!value.matches("[0-9]")) {
            throw new ModelFileException(fileName + ": its " + POSITIVE_CLASS_KEY + " metadata is `"
                    + Echo.abbreviate(value, 40) + "`, not a digit 0..9");
        }
        return Integer.parseInt(value);
    }

    /**
     * What a trained model adds to its inference class: the positive class and the input
     * normalization it was trained with.
     *
     * @throws ModelFileException for malformed metadata, naming the file
     */
    public static InferenceOptions inferenceOptions(SafeTensorsFile file, String fileName) {
        try {
            return new InferenceOptions(positiveClass(file, fileName),
                    Normalization.fromMetadata(file.metadata().get(Normalization.METADATA_KEY)));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(fileName + ": " + e.getMessage());
        }
    }

    /** The bytes {@link #save} writes, e.g. to pack into a jar. */
    public static byte[] toBytes(Network network, float[][] params) {
        return SafeTensors.toBytes(tensors(network, params), metadata(network));
    }

    private static LinkedHashMap<String, Tensor> tensors(Network network, float[][] params) {
        List<Parameter> parameters = Parameter.of(network);
        var tensors = new LinkedHashMap<String, Tensor>();
        for (int t = 0; t < parameters.size(); t++) {
            tensors.put(parameters.get(t).tensorName(), new Tensor(parameters.get(t).shape(), params[t].clone()));
        }
        return tensors;
    }

    // In a fixed order (Map.of's varies from run to run), so the same weights give the same bytes.
    private static LinkedHashMap<String, String> metadata(Network network) {
        var metadata = new LinkedHashMap<String, String>();
        metadata.put(SOURCE_KEY, network.source().text());
        metadata.put(VERSION_KEY, Version.VERSION);
        metadata.put("format", "pt");
        return metadata;
    }

    /** Every parameter of {@code network} from the file; a missing or misshapen tensor is an error. */
    public static float[][] load(SafeTensorsFile file, String fileName, Network network) {
        List<Parameter> parameters = Parameter.of(network);
        float[][] out = new float[parameters.size()][];
        for (int t = 0; t < parameters.size(); t++) {
            Parameter p = parameters.get(t);
            Tensor tensor = file.tensors().get(p.tensorName());
            if (tensor == null) {
                throw new ModelFileException(fileName + " has no tensor " + p.tensorName() + (file.tensors().isEmpty()
                        ? " (it holds none)" : " (it holds " + Echo.list(file.tensors().keySet()) + ")"));
            }
            if (!Arrays.equals(tensor.shape(), p.shape())) {
                throw new ModelFileException(fileName + ": " + p.tensorName() + " has shape " + Arrays.toString(tensor.shape())
                        + " but " + network.source().name() + " needs " + Arrays.toString(p.shape()));
            }
            checkFinite(tensor, fileName, p.tensorName());
            out[t] = tensor.data().clone();
        }
        return out;
    }

    // A diverged training's NaN would otherwise pass through every prediction silently.
    private static void checkFinite(Tensor tensor, String fileName, String name) {
        float[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new ModelFileException(fileName + ": tensor " + name + " holds " + data[i] + " at index " + i
                        + "; the weights are not numbers (a training that diverged?). Retrain, e.g. with a smaller --lr");
            }
        }
    }

    /**
     * Transfer learning: copies each tensor whose name and shape match into {@code params}, and
     * returns what was copied and what was not, for the user to read.
     */
    public static List<String> copyMatching(SafeTensorsFile file, String fileName, Network network, float[][] params) {
        List<Parameter> parameters = Parameter.of(network);
        var report = new ArrayList<String>();
        for (int t = 0; t < parameters.size(); t++) {
            Parameter p = parameters.get(t);
            Tensor tensor = file.tensors().get(p.tensorName());
            if (tensor == null) {
                report.add(p.tensorName() + ": not in the file, initialised fresh");
            } else if (!Arrays.equals(tensor.shape(), p.shape())) {
                report.add(p.tensorName() + ": shape " + Arrays.toString(tensor.shape()) + " in the file, "
                        + Arrays.toString(p.shape()) + " here, initialised fresh");
            } else {
                checkFinite(tensor, fileName, p.tensorName());
                System.arraycopy(tensor.data(), 0, params[t], 0, params[t].length);
                report.add(p.tensorName() + ": copied" + (p.layer().trainable() ? "" : " (frozen)"));
            }
        }
        return report;
    }
}
