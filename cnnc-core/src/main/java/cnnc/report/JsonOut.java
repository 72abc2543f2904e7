package cnnc.report;

import cnnc.diag.Diagnostic;
import cnnc.io.Json;
import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.List;

/**
 * The {@code --json} forms of check's and summary's reports, for scripts: one JSON object per
 * command, with the same figures the human forms print and names in snake case.
 */
public final class JsonOut {
    private JsonOut() {}

    /** A checked file: its network's size, or its diagnostics; {@code network} null when it has errors. */
    public static String checked(String file, Network network, List<Diagnostic> diagnostics) {
        var out = new StringBuilder("{");
        field(out, "file", file).append(',');
        out.append("\"ok\":").append(network != null);
        if (network != null) {
            out.append(",\"layers\":").append(network.layers().size())
                    .append(",\"parameters\":").append(network.totalParams());
        }
        out.append(",\"diagnostics\":[");
        for (int i = 0; i < diagnostics.size(); i++) {
            out.append(i == 0 ? "" : ",");
            diagnostic(out, diagnostics.get(i));
        }
        return out.append("]}").toString();
    }

    /** A file that could not be read at all. */
    public static String unreadable(String file, String problem) {
        var out = new StringBuilder("{");
        field(out, "file", file).append(",\"ok\":false,");
        return field(out, "error", problem).append('}').toString();
    }

    private static void diagnostic(StringBuilder out, Diagnostic d) {
        out.append('{');
        field(out, "severity", d.severity().label()).append(',');
        out.append("\"line\":").append(d.span().line()).append(",\"column\":").append(d.span().column())
                .append(",\"length\":").append(d.span().length()).append(',');
        field(out, "message", d.message()).append(',');
        strings(out, "notes", d.notes()).append(',');
        strings(out, "help", d.helps()).append('}');
    }

    /** The layer table and its totals, as {@link Summary#render} prints them. */
    public static String summary(Network network) {
        var out = new StringBuilder("{");
        field(out, "model", network.source().name()).append(',');
        field(out, "input", network.input().text()).append(',');
        field(out, "loss", network.loss().description()).append(",\"layers\":[");
        for (int i = 0; i < network.layers().size(); i++) {
            Layer layer = network.layers().get(i);
            out.append(i == 0 ? "{" : ",{");
            field(out, "name", layer.name()).append(',');
            field(out, "type", layer.typeLabel()).append(',');
            field(out, "output", layer.out().text()).append(',');
            out.append("\"params\":").append(layer.params()).append(",\"macs\":").append(layer.macs())
                    .append(",\"activation_bytes\":").append(4L * layer.out().size()).append(",\"trainable\":")
                    .append(layer.trainable()).append('}');
        }
        long params = network.totalParams();
        long trainable = network.trainableParams();
        out.append("],\"total_params\":").append(params).append(",\"trainable_params\":").append(trainable)
                .append(",\"non_trainable_params\":").append(params - trainable)
                .append(",\"macs\":").append(network.totalMacs()).append('}');
        return out.toString();
    }

    /**
     * eval's report: the test loss (with the l1/l2 penalty when {@code penalized}), accuracy, and the
     * confusion matrix, rows the true class and columns the predicted one, in the order of {@code classes}.
     */
    public static String evaluation(String model, double loss, boolean penalized, double accuracy, int images,
            List<String> classes, int[][] confusion) {
        var out = new StringBuilder("{");
        field(out, "model", model).append(",\"test_loss\":").append(loss).append(",\"loss_includes_penalty\":")
                .append(penalized).append(",\"accuracy\":").append(accuracy).append(",\"images\":").append(images).append(',');
        strings(out, "classes", classes).append(",\"confusion\":[");
        for (int i = 0; i < confusion.length; i++) {
            out.append(i == 0 ? "[" : ",[");
            for (int j = 0; j < confusion[i].length; j++) {
                out.append(j == 0 ? "" : ",").append(confusion[i][j]);
            }
            out.append(']');
        }
        return out.append("]}").toString();
    }

    /** predict's answer for one image: the class it picks and every output. */
    public static String prediction(String image, String answer, float[] outputs, boolean inverted) {
        var out = new StringBuilder("{");
        field(out, "image", image).append(',');
        field(out, "class", answer).append(",\"outputs\":[");
        for (int i = 0; i < outputs.length; i++) {
            out.append(i == 0 ? "" : ",").append(outputs[i]);
        }
        return out.append("],\"inverted\":").append(inverted).append('}').toString();
    }

    /** An image predict could not read. */
    public static String unreadableImage(String image, String problem) {
        var out = new StringBuilder("{");
        field(out, "image", image).append(',');
        return field(out, "error", problem).append('}').toString();
    }

    private static StringBuilder field(StringBuilder out, String name, String value) {
        Json.writeString(out, name);
        out.append(':');
        Json.writeString(out, value);
        return out;
    }

    private static StringBuilder strings(StringBuilder out, String name, List<String> values) {
        Json.writeString(out, name);
        out.append(":[");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",");
            Json.writeString(out, values.get(i));
        }
        return out.append(']');
    }
}
