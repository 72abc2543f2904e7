package cnnc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private final Dataset three = new Dataset(
            new float[] {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, new int[] {4, 5, 6}, 3, 2, 2, 10);

    @Test
    void imagesAndSlices() {
        assertArrayEquals(new float[] {10, 11, 12, 13}, three.image(1));
        assertEquals(6, three.label(2));
        Dataset tail = three.slice(1, 3);
        assertEquals(2, tail.count());
        assertArrayEquals(new int[] {5, 6}, tail.labels());
        assertArrayEquals(new float[] {20, 21, 22, 23}, tail.image(1));
        assertEquals(0, three.slice(2, 2).count());
        assertEquals("Dataset[3 images, 2x2x1, 10 classes]", three.toString());
    }

    @Test
    void checksItsArguments() {
        assertThrows(IndexOutOfBoundsException.class, () -> three.image(3));
        assertThrows(IndexOutOfBoundsException.class, () -> three.slice(2, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> three.slice(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[3], new int[1], 1, 2, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[4], new int[2], 1, 2, 2, 10));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[4], new int[] {10}, 1, 2, 2, 10));
    }

    /** The stepped hash is Arrays.hashCode: checkpoints written before it keep matching. */
    @Test
    void hashesContentAsArraysHashCodeDoes() {
        var random = new SplittableRandom(7);
        float[] specials = {Float.NaN, Float.intBitsToFloat(0x7fc00001), -0f, 0f, Float.MIN_VALUE, Float.POSITIVE_INFINITY};
        for (int length = 0; length < 70; length++) {
            float[] a = new float[length];
            for (int i = 0; i < length; i++) {
                a[i] = random.nextInt(5) == 0 ? specials[random.nextInt(specials.length)] : (float) random.nextGaussian();
            }
            assertEquals(Arrays.hashCode(a), Dataset.hashCode(a), "length " + length);
        }
        float[] large = new float[100_003];
        for (int i = 0; i < large.length; i++) {
            large[i] = random.nextFloat();
        }
        assertEquals(Arrays.hashCode(large), Dataset.hashCode(large));
        assertEquals(31 * Arrays.hashCode(three.labels()) + Arrays.hashCode(three.images()), three.hashCode());
    }
}
