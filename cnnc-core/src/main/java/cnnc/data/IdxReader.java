package cnnc.data;

import cnnc.io.IoReasons;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header (magic
 * 0x00000803 and count, rows, columns for images; 0x00000801 and count for labels) followed by
 * unsigned bytes. Files may be gzip-compressed, recognised by the gzip magic bytes rather than by
 * name. The header fixes the file size exactly, so truncated files and trailing bytes are caught.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    /** MNIST and Fashion-MNIST both have ten classes. */
    public static final int CLASSES = 10;

    private static final int CHUNK = 1 << 16;
    /** The largest Java array (a few header words below Integer.MAX_VALUE on HotSpot). */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Each byte's pixel value, b / 255f: a table lookup where each pixel took a division. */
    private static final float[] SCALED = new float[256];

    static {
        for (int b = 0; b < SCALED.length; b++) {
            SCALED[b] = b / 255f;
        }
    }

    /** Pixels allocated before any is read: 4 MB, MNIST's test set in one go. */
    private static final int FIRST_ALLOCATION = 1 << 23;
    /** How far past the data trailing bytes are counted for the message. */
    private static final long MAX_TRAILING = 1 << 24;

    private IdxReader() {}

    /** Images as read from one file, pixels scaled to [0, 1]. */
    public record Images(float[] pixels, int count, int height, int width) {}

    /** Reads an image file and its label file into one data set, checking that they agree. */
    public static Dataset read(Path imagesFile, Path labelsFile) {
        Images images = readImages(imagesFile);
        int[] labels = readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DataException(imagesFile + " holds " + images.count() + " images but " + labelsFile + " holds "
                    + labels.length + " labels; they must come in matching pairs");
        }
        return new Dataset(images.pixels(), labels, images.count(), images.height(), images.width(), CLASSES);
    }

    public static Images readImages(Path file) {
        try (Source in = Source.open(file)) {
            int[] header = in.header(IMAGES_MAGIC, 3);
            int count = header[0];
            int height = header[1];
            int width = header[2];
            if (height == 0 || width == 0) {
                throw new DataException(file + ": images of " + height + "x" + width + " pixels make no sense");
            }
            long pixels = product(count, height, width);
            if (pixels > MAX_ARRAY) {
                throw new DataException(file + ": " + count + " images of " + height + "x" + width + " are too many to load");
            }
            in.expectSize(16L + pixels);
            // A plain file's size matched the header, so it holds every pixel; a compressed one's
            // array grows as the data arrives, so a header that lies costs no more than the data.
            float[] out = in.allocate(in.sizeKnown() ? pixels : Math.min(pixels, FIRST_ALLOCATION));
            byte[] chunk = new byte[CHUNK];
            int done = 0;
            while (done < pixels) {
                if (done == out.length) {
                    out = in.grow(out, Math.min(pixels, 2L * out.length));
                }
                int n = in.readFully(chunk, Math.min(CHUNK, out.length - done), 16L + pixels, done + 16L);
                for (int i = 0; i < n; i++) {
                    out[done + i] = SCALED[chunk[i] & 0xff];
                }
                done += n;
            }
            in.expectEnd(16L + pixels);
            return new Images(out, count, height, width);
        }
    }

    /** Reads a label file; every label must be a class index 0..9. */
    public static int[] readLabels(Path file) {
        try (Source in = Source.open(file)) {
            int count = in.header(LABELS_MAGIC, 1)[0];
            in.expectSize(8L + count);
            var bytes = new java.io.ByteArrayOutputStream((int) Math.min(count, FIRST_ALLOCATION));
            byte[] chunk = new byte[CHUNK];
            while (bytes.size() < count) {
                int n = in.readFully(chunk, Math.min(CHUNK, count - bytes.size()), 8L + count, 8L + bytes.size());
                bytes.write(chunk, 0, n);
            }
            in.expectEnd(8L + count);
            byte[] read = bytes.toByteArray();
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = read[i] & 0xff;
                if (labels[i] >= CLASSES) {
                    throw new DataException(file + ": label " + labels[i] + " of item " + i + " is not a class 0.."
                            + (CLASSES - 1) + "; the file is corrupt or not a MNIST label file");
                }
            }
            return labels;
        }
    }

    // The sizes are non-negative ints, so only the second product can overflow a long.
    private static long product(int count, int height, int width) {
        try {
            return Math.multiplyExact((long) count * height, (long) width);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** An open IDX file, decompressed if needed, that reports I/O problems as DataExceptions. */
    private static final class Source implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        /** The size of a plain regular file, known before reading; -1 for gzip and streams. */
        private final long knownSize;

        private Source(Path file, InputStream in, boolean gzip, long knownSize) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
            this.knownSize = knownSize;
        }

        static Source open(Path file) {
            if (Files.isDirectory(file)) {
                throw new DataException(file + ": is a directory, not an IDX file");
            }
            InputStream raw = null;
            try {
                raw = new BufferedInputStream(Files.newInputStream(file), CHUNK);
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                InputStream in = gzip ? new GzipStream(raw, CHUNK) : raw;
                long size = !gzip && Files.isRegularFile(file) ? Files.size(file) : -1;
                return new Source(file, in, gzip, size);
            } catch (NoSuchFileException e) {
                throw new DataException(file + ": no such file");
            } catch (EOFException | ZipException e) {
                closeQuietly(raw);
                throw new DataException(file + ": " + e.getMessage(), e);
            } catch (IOException e) {
                closeQuietly(raw);
                throw new DataException(file + ": cannot read: " + IoReasons.of(e), e);
            }
        }

        /** Reads and checks the magic number, then returns the {@code dims} dimension sizes. */
        int[] header(int magic, int dims) {
            byte[] bytes = new byte[4 + 4 * dims];
            int n = readFully(bytes, bytes.length, -1, 0);
            if (n < 4) {
                throw new DataException(file + ": " + sizeWord() + " only " + n + " bytes, too short for an IDX file");
            }
            ByteBuffer header = ByteBuffer.wrap(bytes); // big-endian, as IDX is
            int actual = header.getInt();
            if (actual != magic) {
                throw new DataException(file + ": " + magicProblem(actual, magic));
            }
            if (n < bytes.length) {
                throw new DataException(file + ": truncated in the header (" + n + " of " + bytes.length + " bytes)");
            }
            int[] sizes = new int[dims];
            for (int i = 0; i < dims; i++) {
                sizes[i] = header.getInt();
                if (sizes[i] < 0) {
                    throw new DataException(file + ": dimension " + (i + 1) + " of the header is "
                            + Integer.toUnsignedString(sizes[i]) + ", too large; the file is corrupt");
                }
            }
            return sizes;
        }

        /**
         * Reads up to {@code length} bytes; fewer only at the end of the data, which is an error
         * when {@code expectedSize >= 0}: the file is shorter than its header says.
         */
        int readFully(byte[] into, int length, long expectedSize, long position) {
            int n;
            try {
                n = in.readNBytes(into, 0, length);
            } catch (EOFException | ZipException e) {
                throw new DataException(file + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new DataException(file + ": cannot read: " + IoReasons.of(e), e);
            }
            if (n < length && expectedSize >= 0) {
                throw wrongSize(expectedSize, position + n);
            }
            return n;
        }

        /** Whether this is a plain file whose size {@link #expectSize} has checked. */
        boolean sizeKnown() {
            return knownSize >= 0;
        }

        /** Fails before any allocation when a plain file's size is not the one its header gives. */
        void expectSize(long expectedSize) {
            if (knownSize >= 0 && knownSize != expectedSize) {
                throw wrongSize(expectedSize, knownSize);
            }
        }

        /** A longer copy of {@code pixels}. */
        float[] grow(float[] pixels, long size) {
            float[] longer = allocate(size);
            System.arraycopy(pixels, 0, longer, 0, pixels.length);
            return longer;
        }

        /** Room for {@code size} pixels; running out of memory is the user's problem to solve, in words. */
        float[] allocate(long size) {
            try {
                return new float[(int) size];
            } catch (OutOfMemoryError e) {
                throw new DataException(file + ": its images need " + (size * 4 >> 20) + " MB, more memory than Java may use "
                        + "here (" + (Runtime.getRuntime().maxMemory() >> 20) + " MB); give it more, e.g. CNNC_JAVA_OPTS=-Xmx8g");
            }
        }

        /** Fails if anything follows the data; counts it so the message can give the real size. */
        void expectEnd(long expectedSize) {
            try {
                // Counted up to a bound: a gzip bomb after the data must not keep us busy for minutes.
                long extra = 0;
                byte[] chunk = new byte[CHUNK];
                for (int n; extra <= MAX_TRAILING && (n = in.read(chunk)) >= 0; ) {
                    extra += n;
                }
                if (extra > MAX_TRAILING) {
                    throw new DataException(file + ": has trailing bytes: its header makes it " + expectedSize + " bytes"
                            + (gzip ? " uncompressed" : "") + " but it " + sizeWord() + " more than " + (expectedSize + MAX_TRAILING)
                            + " bytes");
                }
                if (extra > 0) {
                    throw wrongSize(expectedSize, expectedSize + extra);
                }
            } catch (EOFException | ZipException e) {
                throw new DataException(file + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new DataException(file + ": cannot read: " + IoReasons.of(e), e);
            }
        }

        private DataException wrongSize(long expected, long actual) {
            String what = actual < expected ? "truncated" : "has trailing bytes";
            return new DataException(file + ": " + what + ": its header makes it " + expected + " bytes"
                    + (gzip ? " uncompressed" : "") + " but it " + sizeWord() + " " + actual + " bytes");
        }

        private String sizeWord() {
            return gzip ? "decompresses to" : "is";
        }

        @Override
        public void close() {
            closeQuietly(in);
        }

        private static void closeQuietly(InputStream in) {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // reading is done; nothing is lost
                }
            }
        }
    }

    // Names the common mix-ups: labels passed as images, or a file that is not IDX at all.
    private static String magicProblem(int actual, int expected) {
        String want = expected == IMAGES_MAGIC ? "an IDX image file (magic 0x00000803)" : "an IDX label file (magic 0x00000801)";
        String found;
        if (actual == IMAGES_MAGIC) {
            found = "an IDX image file";
        } else if (actual == LABELS_MAGIC) {
            found = "an IDX label file";
        } else if ((actual >>> 16) == 0) {
            found = "an IDX file of type 0x" + String.format("%02x", (actual >>> 8) & 0xff) + " with " + (actual & 0xff)
                    + " dimensions";
        } else {
            found = "not an IDX file";
        }
        return "expected " + want + " but found magic 0x" + String.format("%08x", actual) + ", " + found;
    }
}
