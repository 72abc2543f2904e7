package cnnc.train;

import cnnc.io.ModelFileException;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.io.Tensor;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.report.EpochRecord;
import cnnc.report.History;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * checkpoint.safetensors: a {@link TrainingState} and the run's settings in the safetensors format.
 * Tensors: the weights under the model's names ({@code conv1.weight}), the best epoch's under
 * {@code best/conv1.weight}, the optimizer's slots under {@code optimizer/<slot>/conv1.weight}.
 * Metadata: the .cnn source, the epoch, the optimizer's step count, the best epoch, the history
 * with every number as Java prints a double (so that it reads back to the same bits, which the
 * schedule's and early stopping's comparisons need), and each setting as {@code setting.<name>}.
 */
public final class CheckpointFile {
    public static final String SOURCE_KEY = "cnn_source";
    private static final String EPOCH_KEY = "epoch";
    private static final String STEPS_KEY = "optimizer_steps";
    private static final String BEST_EPOCH_KEY = "best_epoch";
    private static final String HISTORY_KEY = "history";
    private static final String SETTING_PREFIX = "setting.";

    /** What a checkpoint holds: where the run stands, its settings by name, and its network's source. */
    public record Contents(TrainingState state, LinkedHashMap<String, String> settings, String source) {}

    private CheckpointFile() {}

    public static byte[] toBytes(Network network, TrainingState state, Map<String, String> settings) {
        List<Parameter> parameters = Parameter.of(network);
        var tensors = new LinkedHashMap<String, Tensor>();
        put(tensors, "", parameters, state.params());
        if (state.bestParams() != null) {
            put(tensors, "best/", parameters, state.bestParams());
        }
        for (var slot : new java.util.TreeMap<>(state.optimizer().slots()).entrySet()) {
            put(tensors, "optimizer/" + slot.getKey() + "/", parameters, slot.getValue());
        }
        var metadata = new LinkedHashMap<String, String>();
        metadata.put(SOURCE_KEY, network.source().text());
        metadata.put(EPOCH_KEY, Integer.toString(state.epoch()));
        metadata.put(STEPS_KEY, Long.toString(state.optimizer().steps()));
        metadata.put(BEST_EPOCH_KEY, Integer.toString(state.bestEpoch()));
        metadata.put(HISTORY_KEY, history(state.history()));
        settings.forEach((key, value) -> metadata.put(SETTING_PREFIX + key, value));
        return SafeTensors.toBytes(tensors, metadata);
    }

    /** Reads a checkpoint of {@code network}; a file that is not one, or is of another network's shapes, is a ModelFileException. */
    public static Contents read(SafeTensorsFile file, String fileName, Network network) {
        Map<String, String> m = file.metadata();
        for (String key : List.of(SOURCE_KEY, EPOCH_KEY, STEPS_KEY, BEST_EPOCH_KEY, HISTORY_KEY)) {
            if (!m.containsKey(key)) {
                throw new ModelFileException(fileName + " is not a cnnc checkpoint: its metadata has no `" + key + "`");
            }
        }
        try {
            List<Parameter> parameters = Parameter.of(network);
            int epoch = Integer.parseInt(m.get(EPOCH_KEY));
            int bestEpoch = Integer.parseInt(m.get(BEST_EPOCH_KEY));
            float[][] params = take(file, fileName, "", parameters);
            float[][] best = bestEpoch > 0 ? take(file, fileName, "best/", parameters) : null;
            var slots = new HashMap<String, float[][]>();
            for (String name : file.tensors().keySet()) {
                if (name.startsWith("optimizer/")) {
                    String slot = name.substring("optimizer/".length(), name.indexOf('/', "optimizer/".length()));
                    slots.computeIfAbsent(slot, s -> take(file, fileName, "optimizer/" + s + "/", parameters));
                }
            }
            var settings = new LinkedHashMap<String, String>();
            m.forEach((key, value) -> {
                if (key.startsWith(SETTING_PREFIX)) {
                    settings.put(key.substring(SETTING_PREFIX.length()), value);
                }
            });
            History history = history(m.get(HISTORY_KEY));
            if (history.size() != epoch) {
                throw new ModelFileException(fileName + ": its history has " + history.size() + " epochs, not " + epoch);
            }
            var state = new TrainingState(epoch, params, new OptimizerState(slots, Long.parseLong(m.get(STEPS_KEY))), history,
                    bestEpoch, best);
            return new Contents(state, settings, m.get(SOURCE_KEY));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ModelFileException(fileName + " is not a readable cnnc checkpoint: " + e.getMessage());
        }
    }

    private static void put(LinkedHashMap<String, Tensor> into, String prefix, List<Parameter> parameters, float[][] arrays) {
        for (int t = 0; t < parameters.size(); t++) {
            into.put(prefix + parameters.get(t).tensorName(), new Tensor(parameters.get(t).shape(), arrays[t].clone()));
        }
    }

    private static float[][] take(SafeTensorsFile file, String fileName, String prefix, List<Parameter> parameters) {
        float[][] out = new float[parameters.size()][];
        for (int t = 0; t < out.length; t++) {
            String name = prefix + parameters.get(t).tensorName();
            Tensor tensor = file.tensors().get(name);
            if (tensor == null || !Arrays.equals(tensor.shape(), parameters.get(t).shape())) {
                throw new ModelFileException(fileName + ": " + (tensor == null ? "no tensor " + name
                        : name + " has shape " + Arrays.toString(tensor.shape()) + ", not " + Arrays.toString(parameters.get(t).shape()))
                        + "; the checkpoint is of another network");
            }
            out[t] = tensor.data().clone();
        }
        return out;
    }

    // One line per epoch, each number as Double.toString writes it: parseDouble gives back the same bits.
    private static String history(History history) {
        var out = new StringBuilder();
        for (EpochRecord e : history.epochs()) {
            out.append(e.epoch()).append(',').append(e.loss()).append(',').append(e.accuracy()).append(',')
                    .append(e.valLoss()).append(',').append(e.valAccuracy()).append(',').append(e.seconds()).append(',')
                    .append(e.lr()).append('\n');
        }
        return out.toString();
    }

    private static History history(String text) {
        var epochs = new ArrayList<EpochRecord>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 7) {
                throw new IllegalArgumentException("a history line has " + f.length + " fields, not 7");
            }
            epochs.add(new EpochRecord(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])));
        }
        return new History(epochs);
    }
}
