package cnnc.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Per-channel input normalization, (x - mean) / std, with the mean and the (population) standard
 * deviation of each channel measured on the training images, as torchvision's Normalize is used
 * with a training set's statistics. A channel that never varies keeps std 1. The statistics
 * travel in the model file, so evaluation, prediction and built jars normalize as training did.
 *
 * @param mean per channel
 * @param std per channel, never 0
 */
public record Normalization(float[] mean, float[] std) {
    /** The model-file metadata key: {@code mean=0.1307;std=0.3081}, one value per channel, comma-separated. */
    public static final String METADATA_KEY = "input_normalization";

    public Normalization {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("a mean and a std per channel, not " + mean.length + " and " + std.length);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The statistics of a training set's images (values in H, W, C order), summed in double. */
    public static Normalization of(Dataset train) {
        int channels = train.channels();
        double[] sum = new double[channels];
        double[] squares = new double[channels];
        float[] images = train.images();
        long values = (long) train.count() * train.imageSize();
        for (long k = 0; k < values; k++) {
            double v = images[(int) k];
            int c = (int) (k % channels);
            sum[c] += v;
            squares[c] += v * v;
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        double perChannel = Math.max(1, values / channels);
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / perChannel;
            double variance = Math.max(0, squares[c] / perChannel - m * m);
            mean[c] = (float) m;
            std[c] = variance > 0 ? (float) Math.sqrt(variance) : 1f;
        }
        return new Normalization(mean, std);
    }

    public int channels() {
        return mean.length;
    }

    /** Normalizes one value of channel {@code c}: the arithmetic every reader of the model repeats exactly. */
    public float apply(float value, int c) {
        return (value - mean[c]) / std[c];
    }

    /** A copy of the data set with every image normalized. */
    public Dataset apply(Dataset data) {
        checkChannels(data.channels());
        int size = data.imageSize();
        float[] images = data.images();
        float[] out = new float[data.count() * size];
        for (int k = 0; k < out.length; k++) {
            out[k] = apply(images[k], k % data.channels());
        }
        return new Dataset(out, Arrays.copyOf(data.labels(), data.count()), data.count(), data.height(), data.width(),
                data.channels(), data.classes());
    }

    /** Normalizes one image in place (H, W, C order). */
    public void applyInPlace(float[] image, int channels) {
        checkChannels(channels);
        for (int k = 0; k < image.length; k++) {
            image[k] = apply(image[k], k % channels);
        }
    }

    private void checkChannels(int channels) {
        if (channels != mean.length) {
            throw new IllegalArgumentException("the normalization has " + mean.length + " channels, the images " + channels);
        }
    }

    public String toMetadata() {
        return "mean=" + join(mean) + ";std=" + join(std);
    }

    /**
     * The normalization a model's metadata holds, if any.
     *
     * @throws IllegalArgumentException if the value is malformed, naming what is wrong
     */
    public static Optional<Normalization> fromMetadata(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(";");
        if (parts.length != 2 || !parts[0].startsWith("mean=") || !parts[1].startsWith("std=")) {
            throw new IllegalArgumentException(METADATA_KEY + " is not of the form mean=...;std=...");
        }
        float[] mean = floats(parts[0].substring(5));
        float[] std = floats(parts[1].substring(4));
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException(METADATA_KEY + " has a std of " + s + ", which must be a positive number");
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException(METADATA_KEY + " has a mean of " + m);
            }
        }
        return Optional.of(new Normalization(mean, std));
    }

    private static String join(float[] values) {
        var out = new StringBuilder();
        for (float v : values) {
            out.append(out.length() == 0 ? "" : ",").append(Float.toString(v));
        }
        return out.toString();
    }

    private static float[] floats(String text) {
        String[] items = text.split(",");
        float[] out = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                out[i] = Float.parseFloat(items[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(METADATA_KEY + " holds `" + items[i] + "`, not a number");
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Normalization[%s]", toMetadata());
    }
}
