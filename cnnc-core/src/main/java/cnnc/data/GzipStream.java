package cnnc.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * gzip (RFC 1952) decompression that is strict where {@link java.util.zip.GZIPInputStream} is
 * lenient: bytes after the last member are an error (GZIPInputStream ignores them silently), and
 * every failure carries a sentence a user can read (GZIPInputStream's cut-short header has no
 * message at all). Concatenated members read as one stream, as {@code gzip -d} does.
 */
final class GzipStream extends InputStream {
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED = 0xe0;

    private final PushbackInputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buffer;
    private int filled;
    private boolean inMember;
    private boolean end;

    GzipStream(InputStream in, int bufferSize) throws IOException {
        this.buffer = new byte[bufferSize];
        this.in = new PushbackInputStream(in, bufferSize);
        readHeader();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!end) {
            if (!inMember) {
                nextMember();
                continue;
            }
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException("the gzip data is corrupt (" + e.getMessage() + ")");
            }
            if (n > 0) {
                crc.update(b, off, n);
                return n;
            }
            if (inflater.finished()) {
                readTrailer();
            } else if (inflater.needsDictionary()) {
                throw new ZipException("the gzip data is corrupt (it asks for a preset dictionary)");
            } else if (inflater.needsInput()) {
                filled = in.read(buffer, 0, buffer.length);
                if (filled < 0) {
                    throw new EOFException("the gzip data is cut short (the file ends inside the compressed data)");
                }
                inflater.setInput(buffer, 0, filled);
            }
        }
        return -1;
    }

    // After a member: the end of the file, or another member; anything else is trailing garbage.
    private void nextMember() throws IOException {
        int next = in.read();
        if (next < 0) {
            end = true;
            return;
        }
        in.unread(next);
        readHeader();
    }

    private void readHeader() throws IOException {
        if (byteOf("header") != 0x1f || byteOf("header") != 0x8b) {
            throw new ZipException("the gzip data is followed by bytes that are not gzip (trailing garbage); "
                    + "the file is damaged or was not written as one gzip stream");
        }
        if (byteOf("header") != 8) {
            throw new ZipException("the gzip data uses an unknown compression method");
        }
        int flags = byteOf("header");
        if ((flags & RESERVED) != 0) {
            throw new ZipException("the gzip header is corrupt (reserved flag bits are set)");
        }
        skip(6); // modification time, extra flags, operating system
        if ((flags & FEXTRA) != 0) {
            skip(byteOf("header") | byteOf("header") << 8);
        }
        if ((flags & FNAME) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FCOMMENT) != 0) {
            skipZeroTerminated();
        }
        if ((flags & FHCRC) != 0) {
            skip(2);
        }
        inflater.reset();
        crc.reset();
        inMember = true;
    }

    private void readTrailer() throws IOException {
        int remaining = inflater.getRemaining();
        if (remaining > 0) {
            in.unread(buffer, filled - remaining, remaining);
        }
        long expectedCrc = uint32();
        long expectedSize = uint32();
        if (expectedCrc != crc.getValue()) {
            throw new ZipException("the gzip data is corrupt (its CRC-32 check fails)");
        }
        if (expectedSize != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw new ZipException("the gzip data is corrupt (its length check fails)");
        }
        inMember = false;
    }

    private long uint32() throws IOException {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (long) byteOf("trailer") << (8 * i);
        }
        return value;
    }

    private void skip(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            byteOf("header");
        }
    }

    private void skipZeroTerminated() throws IOException {
        while (byteOf("header") != 0) {
            // a file name or comment
        }
    }

    private int byteOf(String part) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the gzip data is cut short (the file ends inside a gzip " + part + ")");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
