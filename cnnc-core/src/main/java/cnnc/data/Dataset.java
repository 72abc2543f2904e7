package cnnc.data;

import java.util.Arrays;

/**
 * Labelled images: {@code images} holds {@code count} images of {@code height x width x channels}
 * values (height, width, channels order, as the network's input), one after another, scaled to
 * [0, 1]. The arrays are shared, not copied (the training set is 188 MB of floats): nobody may
 * change them after construction.
 */
public record Dataset(float[] images, int[] labels, int count, int height, int width, int channels, int classes) {
    public Dataset {
        if (count < 0 || height <= 0 || width <= 0 || channels <= 0 || classes <= 0) {
            throw new IllegalArgumentException("bad dataset dimensions: count " + count + ", " + height + "x" + width
                    + "x" + channels + ", " + classes + " classes");
        }
        if ((long) count * height * width * channels != images.length) {
            throw new IllegalArgumentException(count + " images of " + height + "x" + width + "x" + channels + " need "
                    + (long) count * height * width * channels + " values, got " + images.length);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(count + " images but " + labels.length + " labels");
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is outside 0.." + (classes - 1));
            }
        }
    }

    /** Grayscale images, as IDX files hold. */
    public Dataset(float[] images, int[] labels, int count, int height, int width, int classes) {
        this(images, labels, count, height, width, 1, classes);
    }

    /** Values per image. */
    public int imageSize() {
        return height * width * channels;
    }

    /** A copy of image {@code i}'s pixels. */
    public float[] image(int i) {
        checkIndex(i);
        int size = imageSize();
        return Arrays.copyOfRange(images, i * size, (i + 1) * size);
    }

    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IndexOutOfBoundsException("slice " + from + ".." + to + " of " + count + " images");
        }
        int size = imageSize();
        return new Dataset(Arrays.copyOfRange(images, from * size, to * size), Arrays.copyOfRange(labels, from, to),
                to - from, height, width, channels, classes);
    }

    /** How many images carry each label. */
    public int[] labelCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("image " + i + " of " + count);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Dataset)) {
            return false;
        }
        Dataset d = (Dataset) o;
        return count == d.count && height == d.height && width == d.width && channels == d.channels && classes == d.classes
                && Arrays.equals(labels, d.labels) && Arrays.equals(images, d.images);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(labels) + hashCode(images);
    }

    /**
     * {@link Arrays#hashCode(float[])}, the same value, eight elements a step. The polynomial's
     * terms are summed modulo 2^32 in any grouping, and eight independent products a step do
     * not wait on one chain of multiplications: MNIST's 47 million values take a fraction of
     * the time (the training command hashes them before its first epoch). The work goes in
     * blocks, one call each, so that the JIT compiles it after a few calls rather than after
     * counting a million loop iterations.
     */
    static int hashCode(float[] a) {
        int h = 1;
        for (int from = 0; from < a.length; from += HASH_BLOCK) {
            h = hashBlock(h, a, from, Math.min(a.length, from + HASH_BLOCK));
        }
        return h;
    }

    private static final int HASH_BLOCK = 1024;

    private static int hashBlock(int h, float[] a, int from, int to) {
        final int p1 = 31;
        final int p2 = p1 * p1;
        final int p3 = p2 * p1;
        final int p4 = p3 * p1;
        final int p5 = p4 * p1;
        final int p6 = p5 * p1;
        final int p7 = p6 * p1;
        final int p8 = p7 * p1;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h = h * p8 + Float.floatToIntBits(a[i]) * p7 + Float.floatToIntBits(a[i + 1]) * p6
                    + Float.floatToIntBits(a[i + 2]) * p5 + Float.floatToIntBits(a[i + 3]) * p4
                    + Float.floatToIntBits(a[i + 4]) * p3 + Float.floatToIntBits(a[i + 5]) * p2
                    + Float.floatToIntBits(a[i + 6]) * p1 + Float.floatToIntBits(a[i + 7]);
        }
        for (; i < to; i++) {
            h = 31 * h + Float.floatToIntBits(a[i]);
        }
        return h;
    }

    @Override
    public String toString() {
        return "Dataset[" + count + " images, " + height + "x" + width + "x" + channels + ", " + classes + " classes]";
    }
}
