package cnnc.bench;

/** A generated .cnn file with many layers, for the large-file test and measurement. */
public final class LargeFile {
    private LargeFile() {}

    /**
     * {@code layers} layers on a 32x32x3 input: 3x3 same-padded convs of 8 filters alternating
     * with dropout, then flatten and a 10-way softmax. Every shape stays 32x32x8, so the file is
     * valid at any length.
     */
    public static String network(int layers) {
        if (layers < 3) {
            throw new IllegalArgumentException("at least 3 layers");
        }
        var out = new StringBuilder(layers * 28);
        out.append("# ").append(layers).append(" layers, generated\ninput 32x32x3\n");
        for (int i = 0; i < layers - 2; i++) {
            out.append(i % 2 == 0 ? "conv 8 3x3 pad same relu\n" : "dropout 0.1\n");
        }
        out.append("flatten\ndense 10 softmax\n");
        return out.toString();
    }

    /** The parameter count of {@link #network}, worked out by hand. */
    public static long params(int layers) {
        long convs = (layers - 2 + 1) / 2;
        long first = 3 * 8 * 9 + 8;
        long next = 8 * 8 * 9 + 8;
        long dense = 32 * 32 * 8 * 10 + 10;
        return first + (convs - 1) * next + dense;
    }
}
