package cnnc.report;

import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The layer table of {@code cnnc summary}: Keras' model.summary() (name, type, output shape,
 * parameters, then the totals) plus the multiply-accumulates and activation memory of each layer.
 */
public final class Summary {
    private static final String[] HEADERS = {"Layer (type)", "Output Shape", "Param #", "MACs", "Activations"};

    private Summary() {}

    public static String render(Network network) {
        var rows = new ArrayList<String[]>();
        for (Layer layer : network.layers()) {
            rows.add(new String[] {
                layer.name() + " (" + layer.typeLabel() + ")",
                layer.out().text(),
                grouped(layer.params()),
                grouped(layer.macs()),
                bytes(4L * layer.out().size()),
            });
        }
        int[] widths = widths(rows);
        int total = 0;
        for (int w : widths) {
            total += w;
        }
        total += 2 * (widths.length - 1);
        var out = new StringBuilder();
        out.append("Model: ").append(network.source().name()).append('\n');
        out.append("input: ").append(network.input().text()).append(", loss: ").append(network.loss().description())
                .append('\n');
        out.append("=".repeat(total)).append('\n');
        out.append(row(HEADERS, widths)).append('\n');
        out.append("=".repeat(total)).append('\n');
        for (String[] r : rows) {
            out.append(row(r, widths)).append('\n');
        }
        out.append("=".repeat(total)).append('\n');
        long params = network.totalParams();
        long trainable = network.trainableParams();
        out.append("Total params: ").append(grouped(params)).append('\n');
        out.append("Trainable params: ").append(grouped(trainable)).append('\n');
        out.append("Non-trainable params: ").append(grouped(params - trainable)).append('\n');
        out.append("Parameter memory: ").append(bytes(4L * params)).append(" (float32)\n");
        out.append("Multiply-accumulates per example: ").append(grouped(network.totalMacs())).append(" (forward)\n");
        long activations = 4L * network.input().size();
        for (Layer layer : network.layers()) {
            activations += 4L * layer.out().size();
        }
        out.append("Activation memory per example: ").append(bytes(activations)).append(" (forward, float32)\n");
        out.append("-".repeat(total)).append('\n');
        return out.toString();
    }

    private static int[] widths(List<String[]> rows) {
        int[] widths = new int[HEADERS.length];
        for (int i = 0; i < HEADERS.length; i++) {
            widths[i] = HEADERS[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        return widths;
    }

    /** First two columns left-aligned, numbers right-aligned. */
    private static String row(String[] cells, int[] widths) {
        var out = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append("  ");
            }
            String format = i < 2 ? "%-" + widths[i] + "s" : "%" + widths[i] + "s";
            out.append(String.format(Locale.ROOT, format, cells[i]));
        }
        return out.toString().stripTrailing();
    }

    public static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 1,024-based sizes as Keras prints them: 36.21 KB. */
    public static String bytes(long n) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
