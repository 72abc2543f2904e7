package cnnc.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a network's weights from a safetensors stream (an 8-byte little-endian header length, a
 * JSON header, then raw little-endian tensor data) with java.base alone. cnnc copies this file,
 * renamed after the network's class, beside every inference class it generates, so built jars
 * depend on nothing but the JDK.
 *
 * <p>As strict as cnnc's own reader: the header must be UTF-8 JSON with no duplicate keys; each
 * tensor F32 with a whole-number shape whose size matches its data_offsets; the tensors must tile
 * the data area with no gap, overlap or trailing byte. Each weight the network needs must be
 * there with its exact shape and hold finite values. Tensors the network does not need are
 * skipped, and nothing is allocated beyond the network's own weights, so a hostile header cannot
 * make it run out of memory.
 */
final class WeightsReader {
    /** The reference implementation's limit on the header (MAX_HEADER_SIZE). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA = "__metadata__";

    private WeightsReader() {}

    /**
     * Reads the tensors {@code names}, of shapes {@code shapes}, from {@code in}, to its end (the
     * caller closes it); {@code source} names the stream and {@code owner} the network's class in
     * messages. Returns one array per name; an IOException names the source and the problem.
     */
    static float[][] read(InputStream in, String source, String owner, String[] names, int[][] shapes)
            throws IOException {
        if (in == null) {
            throw new NullPointerException("weights is null");
        }
        var reader = new Problems(source, owner);
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw reader.corrupt("it holds " + prefix.length + " bytes, too few for a safetensors file");
        }
        long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw reader.corrupt("its header length " + Long.toUnsignedString(headerLength)
                    + " is implausible: it is not a safetensors file");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw reader.corrupt("it is truncated: the header should be " + headerLength + " bytes, but only "
                    + headerBytes.length + " follow");
        }
        Map<String, Entry> entries = entries(reader, header(reader, headerBytes));
        long dataLength = checkTiling(reader, entries);
        Entry[] wanted = new Entry[names.length];
        for (int i = 0; i < names.length; i++) {
            wanted[i] = entries.get(names[i]);
            if (wanted[i] == null) {
                throw reader.corrupt("it has no tensor " + names[i] + " (are these the weights of another network?)");
            }
            if (!sameShape(wanted[i].shape(), shapes[i])) {
                throw reader.corrupt("tensor " + names[i] + " has shape " + Arrays.toString(wanted[i].shape()) + " but "
                        + owner + " needs " + Arrays.toString(shapes[i]));
            }
        }
        return readData(reader, in, names, wanted, dataLength);
    }

    private static boolean sameShape(long[] shape, int[] expected) {
        boolean same = shape.length == expected.length;
        for (int d = 0; same && d < shape.length; d++) {
            same = shape[d] == expected[d];
        }
        return same;
    }

    /**
     * Sorts entries by where their data begins (then ends). An insertion sort, with no lambda: a
     * class's first lambda costs milliseconds of start-up, and a header holds few tensors.
     */
    private static void sortByOffset(Entry[] entries) {
        for (int i = 1; i < entries.length; i++) {
            Entry e = entries[i];
            int j = i;
            for (; j > 0 && (entries[j - 1].begin() > e.begin()
                    || entries[j - 1].begin() == e.begin() && entries[j - 1].end() > e.end()); j--) {
                entries[j] = entries[j - 1];
            }
            entries[j] = e;
        }
    }

    /** A tensor as the header describes it: its shape and where its bytes lie in the data area. */
    private record Entry(String name, long[] shape, long begin, long end) {}

    /** Reads the data area front to back, each wanted tensor where its offsets say, skipping the rest. */
    private static float[][] readData(Problems reader, InputStream in, String[] names, Entry[] wanted, long dataLength)
            throws IOException {
        Entry[] order = wanted.clone();
        sortByOffset(order);
        var index = new HashMap<String, Integer>();
        for (int i = 0; i < names.length; i++) {
            index.put(names[i], i);
        }
        byte[] chunk = new byte[1 << 16];
        FloatBuffer floats = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[][] values = new float[wanted.length][];
        long position = 0;
        for (Entry entry : order) {
            int i = index.get(entry.name());
            skip(reader, in, entry.begin() - position, chunk, dataLength);
            float[] tensor = new float[(int) ((entry.end() - entry.begin()) / 4)];
            for (int from = 0; from < tensor.length; ) {
                int n = Math.min(chunk.length / 4, tensor.length - from);
                if (in.readNBytes(chunk, 0, 4 * n) < 4 * n) {
                    throw reader.truncated(dataLength);
                }
                floats.get(0, tensor, from, n);
                from += n;
            }
            checkFinite(reader, names[i], tensor);
            values[i] = tensor;
            position = entry.end();
        }
        skip(reader, in, dataLength - position, chunk, dataLength);
        if (in.read() != -1) {
            throw reader.corrupt("it goes on after the " + dataLength + " bytes of tensor data its header describes");
        }
        return values;
    }

    private static void checkFinite(Problems reader, String name, float[] tensor) throws IOException {
        for (int j = 0; j < tensor.length; j++) {
            if (!Float.isFinite(tensor[j])) {
                throw reader.corrupt("tensor " + name + " holds " + (Float.isNaN(tensor[j]) ? "NaN" : "an infinity")
                        + " at index " + j + ": these weights are not usable (did the training diverge?)");
            }
        }
    }

    private static void skip(Problems reader, InputStream in, long count, byte[] chunk, long dataLength) throws IOException {
        for (long left = count; left > 0; ) {
            int n = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, left));
            if (n == 0) {
                throw reader.truncated(dataLength);
            }
            left -= n;
        }
    }

    /** The header as a JSON object, decoded as strict UTF-8. */
    private static Map<String, Object> header(Problems reader, byte[] bytes) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw reader.corrupt("its header is not valid UTF-8");
        }
        if (!(new HeaderJson(text, reader).document() instanceof Map<?, ?> root)) {
            throw reader.corrupt("its header is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) root;
        return map;
    }

    /** Every tensor of the header, checked on its own; the metadata must be a map of strings. */
    private static Map<String, Entry> entries(Problems reader, Map<String, Object> header) throws IOException {
        var entries = new LinkedHashMap<String, Entry>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> metadata)) {
                    throw reader.corrupt(METADATA + " is not a JSON object");
                }
                for (Map.Entry<?, ?> m : metadata.entrySet()) {
                    if (!(m.getValue() instanceof String)) {
                        throw reader.corrupt(METADATA + " value \"" + m.getKey() + "\" is not a string");
                    }
                }
            } else {
                entries.put(e.getKey(), entry(reader, e.getKey(), e.getValue()));
            }
        }
        return entries;
    }

    private static Entry entry(Problems reader, String name, Object value) throws IOException {
        String tensor = "tensor " + name;
        if (!(value instanceof Map<?, ?> fields)) {
            throw reader.corrupt(tensor + " is not described by a JSON object");
        }
        for (Object key : fields.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw reader.corrupt(tensor + " has an unknown field \"" + key + "\"");
            }
        }
        if (!"F32".equals(fields.get("dtype"))) {
            throw reader.corrupt(tensor + " has dtype " + fields.get("dtype") + ", not F32 (float32)");
        }
        long[] shape = wholeNumbers(reader, tensor, "shape", fields.get("shape"));
        long count = 1;
        for (long d : shape) {
            count = d == 0 || count <= (Integer.MAX_VALUE - 8) / d ? count * d : Long.MAX_VALUE;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw reader.corrupt(tensor + " has shape " + Arrays.toString(shape) + ", too large to load");
        }
        long[] range = wholeNumbers(reader, tensor, "data_offsets", fields.get("data_offsets"));
        if (range.length != 2 || range[1] < range[0]) {
            throw reader.corrupt(tensor + " has invalid data_offsets " + Arrays.toString(range));
        }
        if (range[1] - range[0] != 4 * count) {
            throw reader.corrupt(tensor + " spans " + (range[1] - range[0]) + " bytes of data, not the " + 4 * count
                    + " its shape " + Arrays.toString(shape) + " needs");
        }
        return new Entry(name, shape, range[0], range[1]);
    }

    private static long[] wholeNumbers(Problems reader, String tensor, String field, Object value) throws IOException {
        if (!(value instanceof List<?> list)) {
            throw reader.corrupt(tensor + " has no " + field + " array");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw reader.corrupt(tensor + " has " + field + " value " + list.get(i) + ", not a whole number >= 0");
            }
            out[i] = v;
        }
        return out;
    }

    /** Checks that the tensors tile the data area exactly; returns its length. */
    private static long checkTiling(Problems reader, Map<String, Entry> entries) throws IOException {
        Entry[] byOffset = entries.values().toArray(new Entry[0]);
        sortByOffset(byOffset);
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected) {
                throw reader.corrupt("tensor " + e.name() + " starts at byte " + e.begin() + " of the data, "
                        + (e.begin() > expected ? "leaving a gap after byte " + expected
                        : "overlapping the previous tensor, which ends at byte " + expected));
            }
            expected = e.end();
        }
        return expected;
    }

    /** Makes the exceptions, each naming the class and the source. */
    private record Problems(String source, String owner) {
        IOException corrupt(String problem) {
            return new IOException("cannot load the weights of " + owner + " from " + source + ": " + problem);
        }

        IOException truncated(long dataLength) {
            return corrupt("it is truncated: its header describes " + dataLength + " bytes of tensor data, but fewer follow");
        }
    }

    /**
     * Just enough JSON for a safetensors header: objects (no duplicate keys), arrays, strings,
     * whole numbers as Long, other numbers as Double, and true, false and null as their text.
     */
    private static final class HeaderJson {
        private static final int MAX_DEPTH = 32;
        private final String text;
        private final Problems reader;
        private int at;

        HeaderJson(String text, Problems reader) {
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
}
