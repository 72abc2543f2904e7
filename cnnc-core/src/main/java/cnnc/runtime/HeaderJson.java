package cnnc.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for a safetensors header: objects (no duplicate keys), arrays, strings,
 * whole numbers as Long, other numbers as Double, and true, false and null as their text.
 */
final class HeaderJson {
    private static final int MAX_DEPTH = 32;
    private final String text;
    private final WeightsReader reader;
    private int at;

    HeaderJson(String text, WeightsReader reader) {
        this.text = text;
        this.reader = reader;
    }

    Object document() throws IOException {
        Object value = value(0);
        skipSpace();
        if (at < text.length()) {
            throw error("unexpected text after the header");
        }
        return value;
    }

    private Object value(int depth) throws IOException {
        skipSpace();
        if (at >= text.length()) {
            throw error("the header ends too early");
        }
        if (depth > MAX_DEPTH) {
            throw error("the header nests too deeply");
        }
        char c = text.charAt(at);
        if (c == '{') {
            return object(depth);
        }
        if (c == '[') {
            return array(depth);
        }
        if (c == '"') {
            return string();
        }
        return word(c);
    }

    private Map<String, Object> object(int depth) throws IOException {
        at++;
        var object = new LinkedHashMap<String, Object>();
        skipSpace();
        if (take('}')) {
            return object;
        }
        do {
            skipSpace();
            int keyAt = at;
            String key = string();
            skipSpace();
            expect(':');
            if (object.put(key, value(depth + 1)) != null) {
                at = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            skipSpace();
        } while (take(','));
        expect('}');
        return object;
    }

    private List<Object> array(int depth) throws IOException {
        at++;
        var array = new ArrayList<Object>();
        skipSpace();
        if (take(']')) {
            return array;
        }
        do {
            array.add(value(depth + 1));
            skipSpace();
        } while (take(','));
        expect(']');
        return array;
    }

    private Object word(char first) throws IOException {
        int start = at;
        while (at < text.length() && "+-.0123456789Eaeflnrstu".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String word = text.substring(start, at);
        if (word.isEmpty()) {
            throw error("unexpected character '" + first + "'");
        }
        if (word.equals("true") || word.equals("false") || word.equals("null")) {
            return word;
        }
        try {
            return Long.valueOf(word);
        } catch (NumberFormatException notWhole) {
            try {
                return Double.valueOf(word);
            } catch (NumberFormatException notNumber) {
                at = start;
                throw error("unexpected '" + word + "'");
            }
        }
    }

    private String string() throws IOException {
        expect('"');
        var out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("a string is not closed");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("a string is not closed");
            }
            out.append(escaped(text.charAt(at++)));
        }
    }

    private char escaped(char c) throws IOException {
        int simple = "\"\\/bfnrt".indexOf(c);
        if (simple >= 0) {
            return "\"\\/\b\f\n\r\t".charAt(simple);
        }
        if (c != 'u') {
            throw error("invalid escape '\\" + c + "'");
        }
        if (at + 4 > text.length()) {
            throw error("a unicode escape is cut short");
        }
        int u = 0;
        for (int end = at + 4; at < end; at++) {
            int digit = "0123456789abcdef".indexOf(Character.toLowerCase(text.charAt(at)));
            if (digit < 0) {
                throw error("a unicode escape is malformed");
            }
            u = 16 * u + digit;
        }
        return (char) u;
    }

    private void skipSpace() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean take(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) throws IOException {
        if (!take(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IOException error(String problem) {
        return reader.corrupt("its header is not valid JSON: " + problem + " at character " + at);
    }
}
