package cnnc.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
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

    /** What the stream is and the class the weights are for, named in every message. */
    private final String source, owner;

    private WeightsReader(String source, String owner) {
        this.source = source;
        this.owner = owner;
    }

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
        return new WeightsReader(source, owner).readAll(in, names, shapes);
    }

    private float[][] readAll(InputStream in, String[] names, int[][] shapes) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw corrupt("it holds " + prefix.length + " bytes, too few for a safetensors file");
        }
        long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw corrupt("its header length " + Long.toUnsignedString(headerLength)
                    + " is implausible: it is not a safetensors file");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw corrupt("it is truncated: the header should be " + headerLength + " bytes, but only "
                    + headerBytes.length + " follow");
        }
        Map<String, Entry> entries = entries(header(headerBytes));
        long dataLength = checkTiling(entries);
        Entry[] wanted = new Entry[names.length];
        for (int i = 0; i < names.length; i++) {
            wanted[i] = entries.get(names[i]);
            if (wanted[i] == null) {
                throw corrupt("it has no tensor " + names[i] + " (are these the weights of another network?)");
            }
            if (!sameShape(wanted[i].shape(), shapes[i])) {
                throw corrupt("tensor " + names[i] + " has shape " + Arrays.toString(wanted[i].shape()) + " but "
                        + owner + " needs " + Arrays.toString(shapes[i]));
            }
        }
        return readData(in, names, wanted, dataLength);
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
    private float[][] readData(InputStream in, String[] names, Entry[] wanted, long dataLength)
            throws IOException {
        Entry[] order = new Entry[wanted.length];
        System.arraycopy(wanted, 0, order, 0, wanted.length);
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
            skip(in, entry.begin() - position, chunk, dataLength);
            float[] tensor = new float[(int) ((entry.end() - entry.begin()) / 4)];
            for (int from = 0; from < tensor.length; ) {
                int n = Math.min(chunk.length / 4, tensor.length - from);
                if (in.readNBytes(chunk, 0, 4 * n) < 4 * n) {
                    throw truncated(dataLength);
                }
                floats.get(0, tensor, from, n);
                from += n;
            }
            checkFinite(names[i], tensor);
            values[i] = tensor;
            position = entry.end();
        }
        skip(in, dataLength - position, chunk, dataLength);
        if (in.read() != -1) {
            throw corrupt("it goes on after the " + dataLength + " bytes of tensor data its header describes");
        }
        return values;
    }

    private void checkFinite(String name, float[] tensor) throws IOException {
        for (int j = 0; j < tensor.length; j++) {
            if (!Float.isFinite(tensor[j])) {
                throw corrupt("tensor " + name + " holds " + (Float.isNaN(tensor[j]) ? "NaN" : "an infinity")
                        + " at index " + j + ": these weights are not usable (did the training diverge?)");
            }
        }
    }

    private void skip(InputStream in, long count, byte[] chunk, long dataLength) throws IOException {
        for (long left = count; left > 0; ) {
            int n = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, left));
            if (n == 0) {
                throw truncated(dataLength);
            }
            left -= n;
        }
    }

    /**
     * The header as a JSON object. It must be valid UTF-8: decoding replaces what is not, so the
     * text would not encode back to the same bytes (a check much cheaper at start-up than a strict
     * decoder).
     */
    private Map<String, Object> header(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
            throw corrupt("its header is not valid UTF-8");
        }
        if (!(new HeaderJson(text, this).document() instanceof Map<?, ?> root)) {
            throw corrupt("its header is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) root;
        return map;
    }

    /** Every tensor of the header, checked on its own; the metadata must be a map of strings. */
    private Map<String, Entry> entries(Map<String, Object> header) throws IOException {
        var entries = new LinkedHashMap<String, Entry>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> metadata)) {
                    throw corrupt(METADATA + " is not a JSON object");
                }
                for (Map.Entry<?, ?> m : metadata.entrySet()) {
                    if (!(m.getValue() instanceof String)) {
                        throw corrupt(METADATA + " value \"" + m.getKey() + "\" is not a string");
                    }
                }
            } else {
                entries.put(e.getKey(), entry(e.getKey(), e.getValue()));
            }
        }
        return entries;
    }

    // Messages are built only on the way out: a first string concatenation costs milliseconds of
    // start-up (it bootstraps invokedynamic), and most headers are fine.
    private Entry entry(String name, Object value) throws IOException {
        if (!(value instanceof Map<?, ?> fields)) {
            throw corrupt("tensor " + name + " is not described by a JSON object");
        }
        for (Object key : fields.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw corrupt("tensor " + name + " has an unknown field \"" + key + "\"");
            }
        }
        if (!"F32".equals(fields.get("dtype"))) {
            throw corrupt("tensor " + name + " has dtype " + fields.get("dtype") + ", not F32 (float32)");
        }
        long[] shape = wholeNumbers(name, "shape", fields.get("shape"));
        long count = 1;
        for (long d : shape) {
            count = d == 0 || count <= (Integer.MAX_VALUE - 8) / d ? count * d : Long.MAX_VALUE;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw corrupt("tensor " + name + " has shape " + Arrays.toString(shape) + ", too large to load");
        }
        long[] range = wholeNumbers(name, "data_offsets", fields.get("data_offsets"));
        if (range.length != 2 || range[1] < range[0]) {
            throw corrupt("tensor " + name + " has invalid data_offsets " + Arrays.toString(range));
        }
        if (range[1] - range[0] != 4 * count) {
            throw corrupt("tensor " + name + " spans " + (range[1] - range[0]) + " bytes of data, not the "
                    + 4 * count + " its shape " + Arrays.toString(shape) + " needs");
        }
        return new Entry(name, shape, range[0], range[1]);
    }

    private long[] wholeNumbers(String name, String field, Object value) throws IOException {
        if (!(value instanceof List<?> list)) {
            throw corrupt("tensor " + name + " has no " + field + " array");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw corrupt("tensor " + name + " has " + field + " value " + list.get(i) + ", not a whole number >= 0");
            }
            out[i] = v;
        }
        return out;
    }

    /** Checks that the tensors tile the data area exactly; returns its length. */
    private long checkTiling(Map<String, Entry> entries) throws IOException {
        Entry[] byOffset = new Entry[entries.size()]; // not toArray: it loads reflection at start-up
        int n = 0;
        for (Entry e : entries.values()) {
            byOffset[n++] = e;
        }
        sortByOffset(byOffset);
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expected) {
                throw corrupt("tensor " + e.name() + " starts at byte " + e.begin() + " of the data, "
                        + (e.begin() > expected ? "leaving a gap after byte " + expected
                        : "overlapping the previous tensor, which ends at byte " + expected));
            }
            expected = e.end();
        }
        return expected;
    }

    IOException corrupt(String problem) {
        return new IOException("cannot load the weights of " + owner + " from " + source + ": " + problem);
    }

    private IOException truncated(long dataLength) {
        return corrupt("it is truncated: its header describes " + dataLength + " bytes of tensor data, but fewer follow");
    }
}
