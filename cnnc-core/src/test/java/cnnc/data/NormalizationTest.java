package cnnc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Per-channel statistics against a direct computation, their round trip through metadata, and what is refused. */
class NormalizationTest {

    @Test
    void meanAndStdPerChannelOfTheTrainingImages() {
        // two 1x2 images of 2 channels, H, W, C order: channel 0 holds 1, 3, 5, 7 and channel 1 holds 2, 2, 2, 2
        var data = new Dataset(new float[] {1, 2, 3, 2, 5, 2, 7, 2}, new int[] {0, 1}, 2, 1, 2, 2, 2);
        Normalization n = Normalization.of(data);
        assertArrayEquals(new float[] {4, 2}, n.mean());
        assertArrayEquals(new float[] {(float) Math.sqrt(5), 1}, n.std(), "a channel that never varies keeps std 1");
        Dataset normalized = n.apply(data);
        assertEquals((1 - 4) / (float) Math.sqrt(5), normalized.images()[0]);
        assertEquals(0f, normalized.images()[1]);
        assertEquals(data.labels()[1], normalized.labels()[1]);
    }

    @Test
    void statisticsMatchADirectComputationOnRandomImages() {
        var random = new Random(7);
        int count = 50, h = 3, w = 4, c = 3;
        float[] images = new float[count * h * w * c];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat() * (1 + i % c);
        }
        Normalization n = Normalization.of(new Dataset(images, new int[count], count, h, w, c, 10));
        for (int ch = 0; ch < c; ch++) {
            double sum = 0, squares = 0;
            int values = 0;
            for (int i = ch; i < images.length; i += c) {
                sum += images[i];
                squares += (double) images[i] * images[i];
                values++;
            }
            double mean = sum / values;
            assertEquals(mean, n.mean()[ch], 1e-6);
            assertEquals(Math.sqrt(squares / values - mean * mean), n.std()[ch], 1e-5);
        }
    }

    @Test
    void metadataRoundTripsEveryBit() {
        var n = new Normalization(new float[] {0.13066062f, 1e-7f}, new float[] {0.30810776f, 3.4e38f});
        assertEquals(n, Normalization.fromMetadata(n.toMetadata()).orElseThrow());
        assertTrue(Normalization.fromMetadata(null).isEmpty());
    }

    @Test
    void malformedMetadataIsRefusedSayingWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Normalization.fromMetadata("0.1;0.3"))
                .getMessage().contains("mean=...;std=..."));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Normalization.fromMetadata("mean=x;std=1"))
                .getMessage().contains("`x`, not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Normalization.fromMetadata("mean=0;std=0"))
                .getMessage().contains("must be a positive number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Normalization.fromMetadata("mean=0,1;std=1"))
                .getMessage().contains("a mean and a std per channel"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Normalization.fromMetadata("mean=NaN;std=1"))
                .getMessage().contains("mean of NaN"));
    }
}
