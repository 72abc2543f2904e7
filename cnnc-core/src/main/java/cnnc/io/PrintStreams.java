package cnnc.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** A PrintStream over a Writer, for code that reports through one (the data fetch's progress lines). */
public final class PrintStreams {
    private PrintStreams() {}

    /** Passes each line on whole, decoded as UTF-8, and flushes the writer after it. */
    public static PrintStream over(Writer writer) {
        OutputStream bytes = new OutputStream() {
            private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                buffer.write(b);
                if (b == '\n') {
                    flush();
                }
            }

            @Override
            public void flush() {
                try {
                    writer.write(buffer.toString(StandardCharsets.UTF_8));
                    writer.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                buffer.reset();
            }
        };
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
