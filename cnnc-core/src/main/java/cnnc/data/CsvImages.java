package cnnc.data;

import cnnc.io.IoReasons;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A data set as CSV in the common MNIST layout ({@code mnist_train.csv}): one image per line, the
 * label first, then the pixel values 0..255 in height, width, channels order; a first line that
 * does not start with a number is a header and skipped. The files are {@code DIR/train.csv} and
 * {@code DIR/test.csv}; there are as many classes as the largest label plus one.
 */
public final class CsvImages {
    private CsvImages() {}

    public static boolean isLayout(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve("train.csv"));
    }

    public static TrainTest load(Path dir, int height, int width, int channels) {
        Parsed train = parse(dir.resolve("train.csv"), height * width * channels);
        Parsed test = parse(dir.resolve("test.csv"), height * width * channels);
        int classes = Math.max(2, Math.max(train.maxLabel, test.maxLabel) + 1);
        return new TrainTest(train.toDataset(height, width, channels, classes), test.toDataset(height, width, channels, classes));
    }

    private record Parsed(float[] values, int[] labels, int count, int maxLabel) {
        Dataset toDataset(int height, int width, int channels, int classes) {
            return new Dataset(Arrays.copyOf(values, count * height * width * channels), Arrays.copyOf(labels, count), count,
                    height, width, channels, classes);
        }
    }

    private static Parsed parse(Path file, int size) {
        float[] values = new float[size * 1024];
        int[] labels = new int[1024];
        int count = 0;
        int maxLabel = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank() || (lineNumber == 1 && !Character.isDigit(line.strip().charAt(0)))) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (fields.length != size + 1) {
                    throw new DataException(file + ":" + lineNumber + ": " + fields.length + " fields, but the label and the "
                            + size + " values the network's input takes are " + (size + 1));
                }
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, count * 2);
                    values = Arrays.copyOf(values, Math.multiplyExact(count * 2, size));
                }
                labels[count] = number(fields[0], file, lineNumber, 1, Integer.MAX_VALUE - 1);
                maxLabel = Math.max(maxLabel, labels[count]);
                for (int i = 0; i < size; i++) {
                    values[count * size + i] = number(fields[i + 1], file, lineNumber, i + 2, 255) / 255f;
                }
                count++;
            }
        } catch (NoSuchFileException e) {
            throw new DataException("cannot read " + file + ": no such file (a CSV data set has train.csv and test.csv)");
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + IoReasons.of(e));
        } catch (ArithmeticException | OutOfMemoryError e) {
            throw new DataException(file + " is too large to hold in memory");
        }
        if (count == 0) {
            throw new DataException(file + " holds no images");
        }
        return new Parsed(values, labels, count, maxLabel);
    }

    private static int number(String text, Path file, int line, int field, int max) {
        String t = text.strip();
        try {
            int v = Integer.parseInt(t);
            if (v >= 0 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DataException(file + ":" + line + ": field " + field + " is `" + (t.length() > 20 ? t.substring(0, 20) + "..." : t)
                + "`, not " + (field == 1 ? "a label (a whole number from 0)" : "a pixel value 0..255"));
    }
}
