package cnnc.cli;

import cnnc.check.ShapeChecker;
import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.Locale;

/**
 * Whether a run of a network fits this JVM, before any code is generated: each thread keeps a
 * batch slice of every activation and its gradient in one int-indexed array per layer, and its
 * own copy of the weight gradients. A network that passes the checker (each array of one example
 * fits) may still be too large for a batch, or for the heap, e.g. a model whose source declares
 * a 46000x46000 input; that is a clear error here instead of an OutOfMemoryError.
 */
final class MemoryCheck {
    private MemoryCheck() {}

    static void check(Network network, int batch, int threads, String what) {
        int perThread = (batch + threads - 1) / threads;
        long largest = network.input().size();
        long activations = network.input().size();
        for (Layer layer : network.layers()) {
            largest = Math.max(largest, layer.out().size());
            activations += layer.out().size();
        }
        if ((long) perThread * largest > ShapeChecker.MAX_ARRAY) {
            throw new CliError(ExitCodes.USAGE_OR_IO, String.format(Locale.ROOT, "%s: a batch of %,d per thread times "
                    + "the largest activation (%,d values) exceeds the largest Java array; use --batch %,d or less", what,
                    perThread, largest, Math.max(1, ShapeChecker.MAX_ARRAY / largest) * threads));
        }
        // forward values and their gradients per example, weights with a gradient per thread and two optimizer slots
        double bytes = 4.0 * (2.0 * activations * perThread * threads + network.totalParams() * (3.0 + threads));
        long available = Runtime.getRuntime().maxMemory();
        if (bytes > available) {
            throw new CliError(ExitCodes.USAGE_OR_IO, String.format(Locale.ROOT, "%s needs about %s of memory for %s, "
                    + "more than the %s Java may use here; give it more (e.g. CNNC_JAVA_OPTS=-Xmx%dg) or use a smaller --batch",
                    network.source().name(), size(bytes), what, size(available), (long) Math.ceil(bytes * 1.5 / (1L << 30))));
        }
    }

    private static String size(double bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (1L << 30))
                : String.format(Locale.ROOT, "%.0f MB", bytes / (1L << 20));
    }
}
