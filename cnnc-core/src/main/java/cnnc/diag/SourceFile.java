package cnnc.diag;

/** The text of one .cnn file and the name it is reported under. */
public record SourceFile(String name, String text) {
    /** A leading UTF-8 byte-order mark (as Windows editors write) is no part of the text (DESIGN 1.1). */
    public SourceFile {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
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
