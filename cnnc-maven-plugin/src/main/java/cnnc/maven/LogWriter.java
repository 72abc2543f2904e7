package cnnc.maven;

import java.io.Writer;
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
}
