package cnnc.diag;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The text of one .cnn file and the name it is reported under. */
public record SourceFile(String name, String text) {
    /** Far above any network (VGG-16 is 1 KB), far below what would exhaust memory, e.g. /dev/zero. */
    public static final int MAX_BYTES = 1 << 20;

    /** A leading UTF-8 byte-order mark (as Windows editors write) is no part of the text (DESIGN 1.1). */
    public SourceFile {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
    }

    /**
     * Reads a .cnn file, reported under its path as given. Malformed UTF-8 becomes U+FFFD, which
     * the parser reports as an unexpected character at its place.
     *
     * @throws TooLargeException past {@link #MAX_BYTES}, before reading more than that
     */
    public static SourceFile read(Path path) throws IOException {
        byte[] bytes;
        try (var in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new TooLargeException("cannot read " + path + ": it is larger than " + (MAX_BYTES >> 20)
                    + " MB, which no .cnn file needs; is it the right file?");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new SourceFile(path.toString(), text);
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen: the decoder replaces
        }
    }

    /** A file too large to be a .cnn source; its message is the whole story. */
    public static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** The source text a span covers, on one line, with runs of blanks folded. */
    public String textOf(Span span) {
        int start = Math.min(Math.max(0, span.start()), text.length());
        int end = Math.min(Math.max(start, span.end()), text.length());
        return text.substring(start, end).replaceAll("\\s+", " ").trim();
    }

    /** The whole line (1-based) without its line break; empty when out of range. */
    public String line(int number) {
        int line = 1;
        int start = 0;
        while (line < number) {
            int next = nextLineStart(start);
            if (next < 0) {
                return "";
            }
            start = next;
            line++;
        }
        int end = start;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return text.substring(start, end);
    }

    private int nextLineStart(int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return i + 1;
            }
            if (c == '\r') {
                return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
            }
        }
        return -1;
    }
}
