package cnnc.maven;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.maven.plugin.logging.Log;

/** Training's and the data fetch's progress lines, each as one line of Maven's log. */
final class LogWriter extends Writer {
    private final Log log;
    private final StringBuilder line = new StringBuilder();

    LogWriter(Log log) {
        this.log = log;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == '\n') {
                flushLine();
            } else if (c != '\r') {
                line.append(c);
            }
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        flushLine();
    }

    private void flushLine() {
        if (line.length() > 0) {
            log.info(line.toString());
            line.setLength(0);
        }
    }

    /** The same, for code that writes bytes (UTF-8). */
    OutputStream asStream() {
        return new OutputStream() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    String text = bytes.toString(StandardCharsets.UTF_8);
                    bytes.reset();
                    LogWriter.this.write((text + "\n").toCharArray(), 0, text.length() + 1);
                } else {
                    bytes.write(b);
                }
            }
        };
    }
}
