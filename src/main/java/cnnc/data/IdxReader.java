package cnnc.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
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
            long pixels = (long) count * height * width;
            if (pixels > Integer.MAX_VALUE - 8) {
                throw new DataException(file + ": " + count + " images of " + height + "x" + width + " are too many to load");
            }
            float[] out = new float[(int) pixels];
            byte[] chunk = new byte[CHUNK];
            int done = 0;
            while (done < out.length) {
                int n = in.readFully(chunk, Math.min(CHUNK, out.length - done), 16L + pixels, done + 16L);
                for (int i = 0; i < n; i++) {
                    out[done + i] = (chunk[i] & 0xff) / 255f;
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
            byte[] bytes = new byte[count];
            in.readFully(bytes, count, 8L + count, 8);
            in.expectEnd(8L + count);
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xff;
                if (labels[i] >= CLASSES) {
                    throw new DataException(file + ": label " + labels[i] + " of item " + i + " is not a class 0.."
                            + (CLASSES - 1) + "; the file is corrupt or not a MNIST label file");
                }
            }
            return labels;
        }
    }

    /** An open IDX file, decompressed if needed, that reports I/O problems as DataExceptions. */
    private static final class Source implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;

        private Source(Path file, InputStream in, boolean gzip) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
        }

        static Source open(Path file) {
            InputStream raw = null;
            try {
                raw = new BufferedInputStream(Files.newInputStream(file), CHUNK);
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                InputStream in = gzip ? new GZIPInputStream(raw, CHUNK) : raw;
                return new Source(file, in, gzip);
            } catch (NoSuchFileException e) {
                throw new DataException(file + ": no such file");
            } catch (IOException e) {
                closeQuietly(raw);
                throw new DataException(file + ": cannot read: " + e.getMessage(), e);
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
                throw new DataException(file + ": the gzip data is corrupt or cut short (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new DataException(file + ": cannot read: " + e.getMessage(), e);
            }
            if (n < length && expectedSize >= 0) {
                throw wrongSize(expectedSize, position + n);
            }
            return n;
        }

        /** Fails if anything follows the data; counts it so the message can give the real size. */
        void expectEnd(long expectedSize) {
            try {
                long extra = in.transferTo(OutputStream.nullOutputStream());
                if (extra > 0) {
                    throw wrongSize(expectedSize, expectedSize + extra);
                }
            } catch (EOFException | ZipException e) {
                throw new DataException(file + ": the gzip data is corrupt or cut short (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new DataException(file + ": cannot read: " + e.getMessage(), e);
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
