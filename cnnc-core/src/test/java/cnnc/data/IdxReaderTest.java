package cnnc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    @TempDir
    Path dir;

    @Test
    void readsTheSlice() {
        Dataset train = IdxReader.read(SliceFiles.gz(TRAIN_IMAGES), SliceFiles.gz(TRAIN_LABELS));
        assertEquals(2000, train.count());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertEquals(10, train.classes());
        assertEquals(2000 * 784, train.images().length);
        // The first MNIST training digits, known from every tutorial.
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(train.labels(), 10));

        Dataset test = IdxReader.read(SliceFiles.gz(TEST_IMAGES), SliceFiles.gz(TEST_LABELS));
        assertEquals(500, test.count());
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, Arrays.copyOf(test.labels(), 10));
    }

    @Test
    void labelHistogramMatchesTheRawBytes() {
        byte[] raw = SliceFiles.raw(TRAIN_LABELS);
        int[] expected = new int[10];
        for (int i = 8; i < raw.length; i++) {
            expected[raw[i]]++;
        }
        assertArrayEquals(new int[] {191, 220, 198, 191, 214, 180, 200, 224, 172, 210}, expected);
        assertArrayEquals(expected, IdxReader.read(SliceFiles.gz(TRAIN_IMAGES), SliceFiles.gz(TRAIN_LABELS)).labelCounts());
    }

    @Test
    void pixelsAreTheRawBytesOver255() {
        byte[] raw = SliceFiles.raw(TRAIN_IMAGES);
        long rawSum = 0;
        for (int i = 16; i < raw.length; i++) {
            rawSum += raw[i] & 0xff;
        }
        assertEquals(52_050_445L, rawSum);
        IdxReader.Images images = IdxReader.readImages(SliceFiles.gz(TRAIN_IMAGES));
        long sum = 0;
        for (int i = 0; i < images.pixels().length; i++) {
            float p = images.pixels()[i];
            assertEquals((raw[16 + i] & 0xff) / 255f, p);
            sum += Math.round(p * 255);
        }
        assertEquals(rawSum, sum);
        float[] first = IdxReader.read(SliceFiles.gz(TRAIN_IMAGES), SliceFiles.gz(TRAIN_LABELS)).image(0);
        double firstSum = 0;
        for (float p : first) {
            firstSum += p * 255;
        }
        assertEquals(27_525, Math.round(firstSum)); // the "5" at index 0
    }

    @Test
    void rawAndGzipReadTheSame() throws IOException {
        Path images = write(TRAIN_IMAGES, SliceFiles.raw(TRAIN_IMAGES));
        Path labels = write(TRAIN_LABELS, SliceFiles.raw(TRAIN_LABELS));
        assertEquals(IdxReader.read(SliceFiles.gz(TRAIN_IMAGES), SliceFiles.gz(TRAIN_LABELS)), IdxReader.read(images, labels));
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        Path oddlyNamed = write("labels.bin", gzip(SliceFiles.raw(TEST_LABELS)));
        assertEquals(500, IdxReader.readLabels(oddlyNamed).length);
    }

    @Test
    void wrongMagic() throws IOException {
        byte[] bytes = SliceFiles.raw(TEST_LABELS);
        bytes[3] = 0x02;
        Path file = write("bad", bytes);
        assertMessage(() -> IdxReader.readLabels(file), file + ": expected an IDX label file (magic 0x00000801) but found "
                + "magic 0x00000802, an IDX file of type 0x08 with 2 dimensions");
        Path text = write("text", "hello, world".getBytes());
        assertMessage(() -> IdxReader.readImages(text), "found magic 0x68656c6c, not an IDX file");
    }

    @Test
    void labelsPassedAsImages() {
        Path labels = SliceFiles.gz(TEST_LABELS);
        assertMessage(() -> IdxReader.readImages(labels), "expected an IDX image file (magic 0x00000803) but found magic "
                + "0x00000801, an IDX label file");
        assertMessage(() -> IdxReader.read(labels, labels), "an IDX label file");
    }

    @Test
    void truncatedFiles() throws IOException {
        byte[] bytes = SliceFiles.raw(TEST_IMAGES);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 100);
        Path raw = write("raw", cut);
        assertMessage(() -> IdxReader.readImages(raw), raw + ": truncated: its header makes it 392016 bytes but it is 391916 bytes");
        Path gz = write("gz", gzip(cut));
        assertMessage(() -> IdxReader.readImages(gz),
                gz + ": truncated: its header makes it 392016 bytes uncompressed but it decompresses to 391916 bytes");
        Path header = write("header", Arrays.copyOf(bytes, 10));
        assertMessage(() -> IdxReader.readImages(header), "truncated in the header (10 of 16 bytes)");
        Path empty = write("empty", new byte[0]);
        assertMessage(() -> IdxReader.readLabels(empty), empty + ": is only 0 bytes, too short for an IDX file");
    }

    @Test
    void cutGzipStream() throws IOException {
        byte[] gz = Files.readAllBytes(SliceFiles.gz(TEST_IMAGES));
        Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertMessage(() -> IdxReader.readImages(cut), cut + ": the gzip data is cut short (the file ends inside the compressed data)");
        Path header = write("header.gz", Arrays.copyOf(gz, 5));
        assertMessage(() -> IdxReader.readImages(header), header + ": the gzip data is cut short (the file ends inside a gzip header)");
    }

    @Test
    void gzipWithTrailingGarbageIsRejected() throws IOException {
        byte[] gz = gzip(SliceFiles.raw(TEST_LABELS));
        byte[] garbage = Arrays.copyOf(gz, gz.length + 40);
        Arrays.fill(garbage, gz.length, garbage.length, (byte) 'x');
        Path file = write("garbage.gz", garbage);
        assertMessage(() -> IdxReader.readLabels(file), file + ": the gzip data is followed by bytes that are not gzip");
        byte[] zeros = Arrays.copyOf(gz, gz.length + 3);
        Path padded = write("zeros.gz", zeros);
        assertMessage(() -> IdxReader.readLabels(padded), "followed by bytes that are not gzip");
    }

    @Test
    void concatenatedGzipMembersReadAsOneStream() throws IOException {
        byte[] raw = SliceFiles.raw(TEST_LABELS);
        var both = new ByteArrayOutputStream();
        both.write(gzip(Arrays.copyOf(raw, 100)));
        both.write(gzip(Arrays.copyOfRange(raw, 100, raw.length)));
        assertArrayEquals(IdxReader.readLabels(SliceFiles.gz(TEST_LABELS)), IdxReader.readLabels(write("two.gz", both.toByteArray())));
    }

    @Test
    void corruptGzipChecksumIsReported() throws IOException {
        byte[] gz = gzip(SliceFiles.raw(TEST_LABELS));
        gz[gz.length - 6] ^= 1; // in the CRC-32 of the trailer
        Path file = write("crc.gz", gz);
        assertMessage(() -> IdxReader.readLabels(file), file + ": the gzip data is corrupt (its CRC-32 check fails)");
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] bytes = SliceFiles.raw(TEST_LABELS);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        Path raw = write("raw", longer);
        assertMessage(() -> IdxReader.readLabels(raw), raw + ": has trailing bytes: its header makes it 508 bytes but it is 511 bytes");
        Path gz = write("gz", gzip(longer));
        assertMessage(() -> IdxReader.readLabels(gz), "has trailing bytes: its header makes it 508 bytes uncompressed but it decompresses to 511 bytes");
    }

    @Test
    void labelOutOfRange() throws IOException {
        byte[] bytes = SliceFiles.raw(TEST_LABELS);
        bytes[8 + 42] = 10;
        Path file = write("labels", bytes);
        assertMessage(() -> IdxReader.readLabels(file), file + ": label 10 of item 42 is not a class 0..9");
    }

    @Test
    void countsMustAgree() throws IOException {
        Path images = SliceFiles.gz(TEST_IMAGES);
        Path labels = SliceFiles.gz(TRAIN_LABELS);
        assertMessage(() -> IdxReader.read(images, labels), images + " holds 500 images but " + labels + " holds 2000 labels");
    }

    @Test
    void absurdHeaders() throws IOException {
        byte[] header = {0, 0, 8, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 28, 0, 0, 0, 28};
        Path negative = write("negative", header);
        assertMessage(() -> IdxReader.readImages(negative), "dimension 1 of the header is 4294967295, too large");
        byte[] big = {0, 0, 8, 3, 0x7f, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28};
        Path tooMany = write("big", big);
        assertMessage(() -> IdxReader.readImages(tooMany), "too many to load");
        byte[] zero = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 28};
        Path zeroHeight = write("zero", zero);
        assertMessage(() -> IdxReader.readImages(zeroHeight), "images of 0x28 pixels make no sense");
    }

    @Test
    void headerWhoseSizeOverflowsFailsAtOnce() throws IOException {
        // 60000 x 2147483647 x 2147483647 overflowed a long to a negative size and the read never ended.
        byte[] bytes = Arrays.copyOf(new byte[] {0, 0, 8, 3, 0, 0, (byte) 0xea, 0x60, 0x7f, -1, -1, -1, 0x7f, -1, -1, -1}, 116);
        Path file = write("overflow", bytes);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertMessage(() -> IdxReader.readImages(file),
                file + ": 60000 images of 2147483647x2147483647 are too many to load"));
        Path gz = write("overflow.gz", gzip(bytes));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertMessage(() -> IdxReader.readImages(gz), "too many to load"));
    }

    @Test
    void countLargerThanTheFileFailsBeforeAllocating() throws IOException {
        // one flipped bit in the count: 2,097,652 images would be 6.6 GB of floats
        byte[] images = SliceFiles.raw(TEST_IMAGES);
        images[5] = 0x20;
        Path raw = write("flipped", images);
        assertMessage(() -> IdxReader.readImages(raw), raw + ": truncated: its header makes it 1644559184 bytes but it is 392016 bytes");
        byte[] labels = SliceFiles.raw(TEST_LABELS);
        labels[4] = 0x7f;
        labels[5] = labels[6] = labels[7] = -1;
        Path rawLabels = write("labels", labels);
        assertMessage(() -> IdxReader.readLabels(rawLabels), rawLabels + ": truncated: its header makes it 2147483655 bytes but it is 508 bytes");
        // gzip hides the size: the reader grows its arrays with the data instead
        Path gzLabels = write("labels.gz", gzip(labels));
        assertMessage(() -> IdxReader.readLabels(gzLabels), "decompresses to 508 bytes");
        Path gzImages = write("flipped.gz", gzip(images));
        assertMessage(() -> IdxReader.readImages(gzImages), "decompresses to 392016 bytes");
    }

    @Test
    void aDirectoryIsNotAnIdxFile() {
        assertMessage(() -> IdxReader.readLabels(dir), dir + ": is a directory, not an IDX file");
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nothing-here");
        assertMessage(() -> IdxReader.readLabels(missing), missing + ": no such file");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        var e = assertThrows(DataException.class, call);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected to contain: " + expected);
    }
}
