package com.example.digits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The generated class, with the weights cnnc:train wrote, classifies MNIST test digits. */
class LabNetworkTest {
    private static final Path SLICE = Path.of(System.getProperty("mnist.slice"));

    @Test
    void classifiesHandwrittenDigits() throws IOException {
        float[][] images = images(SLICE.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels = labels(SLICE.resolve("t10k-labels-idx1-ubyte.gz"));
        var network = new LabNetwork();
        int right = 0;
        for (int i = 0; i < images.length; i++) {
            if (network.classify(images[i]) == labels[i]) {
                right++;
            }
        }
        double accuracy = (double) right / images.length;
        System.out.printf("accuracy on %d test digits: %.3f%n", images.length, accuracy);
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    }

    @Test
    void probabilitiesSumToOne() throws IOException {
        float[] p = new LabNetwork().predict(images(SLICE.resolve("t10k-images-idx3-ubyte.gz"))[0]);
        assertEquals(LabNetwork.OUTPUT_SIZE, p.length);
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-5);
    }

    private static float[][] images(Path file) throws IOException {
        try (var in = idx(file, 0x803)) {
            int count = in.readInt();
            int size = in.readInt() * in.readInt();
            float[][] images = new float[count][size];
            for (float[] image : images) {
                for (int j = 0; j < size; j++) {
                    image[j] = in.readUnsignedByte() / 255f; // as cnnc train scales them
                }
            }
            return images;
        }
    }

    private static byte[] labels(Path file) throws IOException {
        try (var in = idx(file, 0x801)) {
            return in.readNBytes(in.readInt());
        }
    }

    private static DataInputStream idx(Path file, int magic) throws IOException {
        InputStream raw = new GZIPInputStream(Files.newInputStream(file));
        var in = new DataInputStream(raw);
        assertEquals(magic, in.readInt(), file + ": not an IDX file of the expected kind");
        return in;
    }
}
