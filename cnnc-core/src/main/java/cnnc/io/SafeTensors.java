package cnnc.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON header, then the raw tensor data. The header maps
 * each tensor name to {"dtype","shape","data_offsets":[begin,end]} (offsets relative to the end of
 * the header) and may hold a {@code "__metadata__"} string map. Only F32 is supported, which is
 * all cnnc writes. Reading is as strict as the reference implementation: the tensors must tile the
 * data area exactly, with no gaps, overlaps or trailing bytes.
 */
public final class SafeTensors {
    /** The reference implementation's limit (MAX_HEADER_SIZE); guards against absurd allocations. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final int CHUNK_FLOATS = 1 << 14;

    private SafeTensors() {}

    // ---------------------------------------------------------------- writing

    /** Writes the file atomically; tensors are stored in the map's order. */
    public static void write(Path path, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(path, out -> writeTo(out, header, tensors));
    }

    /** The bytes of the file, e.g. to embed as a jar resource. */
    public static byte[] toBytes(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        var out = new ByteArrayOutputStream();
        try {
            writeTo(out, header, tensors);
        } catch (IOException e) {
            throw new IllegalStateException(e); // cannot happen for a ByteArrayOutputStream
        }
        return out.toByteArray();
    }

    private static void writeTo(OutputStream out, byte[] header, LinkedHashMap<String, Tensor> tensors)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length);
        out.write(buffer.array(), 0, 8);
        out.write(header);
        for (Tensor t : tensors.values()) {
            float[] data = t.data();
            for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
                int n = Math.min(CHUNK_FLOATS, data.length - from);
                buffer.clear();
                buffer.asFloatBuffer().put(data, from, n);
                out.write(buffer.array(), 0, 4 * n);
            }
        }
    }

    /** The JSON header in UTF-8, padded with spaces to a multiple of 8 bytes as the reference writer does. */
    static byte[] header(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
        var json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.writeString(json, METADATA_KEY);
            json.append(":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                Json.writeString(json, e.getKey());
                json.append(':');
                Json.writeString(json, e.getValue());
            }
            json.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            if (json.length() > 1) {
                json.append(',');
            }
            Tensor t = e.getValue();
            long end = offset + 4L * t.data().length;
            Json.writeString(json, e.getKey());
            json.append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] utf8 = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(utf8, padded);
        Arrays.fill(header, utf8.length, padded, (byte) ' ');
        return header;
    }

    // ---------------------------------------------------------------- reading

    public static SafeTensorsFile read(Path path) {
        String name = path.toString();
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, name, Files.size(path));
        } catch (NoSuchFileException e) {
            throw new ModelFileException(name + ": no such file");
        } catch (IOException e) {
            throw new ModelFileException(name + ": cannot read: " + IoReasons.of(e), e);
        }
    }

    /** Reads from a stream (e.g. a jar resource); {@code name} is used in error messages. */
    public static SafeTensorsFile read(InputStream in, String name) {
        try {
            return read(in, name, -1);
        } catch (IOException e) {
            throw new ModelFileException(name + ": cannot read: " + IoReasons.of(e), e);
        }
    }

    // fileSize < 0 when unknown (a stream); a known size lets us reject a bad header length early.
    private static SafeTensorsFile read(InputStream in, String name, long fileSize) throws IOException {
        byte[] lengthBytes = in.readNBytes(8);
        if (lengthBytes.length < 8) {
            throw corrupt(name, "the file is " + lengthBytes.length + " bytes long, too short for the 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw corrupt(name, "the header length " + Long.toUnsignedString(headerLength)
                    + " is not plausible (must be 2.." + MAX_HEADER_BYTES + " bytes)");
        }
        if (fileSize >= 0 && 8 + headerLength > fileSize) {
            throw corrupt(name, "truncated: the header should be " + headerLength + " bytes but only "
                    + (fileSize - 8) + " follow the header length");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw corrupt(name, "truncated: the header should be " + headerLength + " bytes but only "
                    + headerBytes.length + " follow the header length");
        }
        Map<String, Object> root = headerObject(name, headerBytes);
        List<Entry> entries = entriesByOffset(name, root);
        Map<String, String> metadata = metadataOf(name, root);
        long dataLength = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).end;
        if (fileSize >= 0 && 8 + headerLength + dataLength != fileSize) {
            throw sizeMismatch(name, dataLength, fileSize - 8 - headerLength);
        }
        if (fileSize < 0) {
            // A stream's length is unknown: read it all before trusting the header's sizes, so a
            // corrupt header cannot make us allocate gigabytes for data that is not there.
            byte[] rest = in.readAllBytes();
            if (rest.length != dataLength) {
                throw sizeMismatch(name, dataLength, rest.length);
            }
            in = new ByteArrayInputStream(rest);
        }
        var tensors = new LinkedHashMap<String, Tensor>();
        ByteBuffer buffer = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        long read = 0;
        for (Entry e : entries) {
            float[] data = new float[(int) ((e.end - e.begin) / 4)];
            for (int from = 0; from < data.length; from += CHUNK_FLOATS) {
                int n = Math.min(CHUNK_FLOATS, data.length - from);
                int got = in.readNBytes(buffer.array(), 0, 4 * n);
                read += got;
                if (got < 4 * n) {
                    throw sizeMismatch(name, dataLength, read);
                }
                buffer.clear();
                buffer.asFloatBuffer().get(data, from, n);
            }
            tensors.put(e.name, new Tensor(e.shape, data));
        }
        return new SafeTensorsFile(inHeaderOrder(tensors, root), metadata);
    }

    private record Entry(String name, int[] shape, long begin, long end) {}

    // Returns the tensors sorted by data offset, after checking that they tile [0, end) exactly.
    private static List<Entry> entriesByOffset(String name, Map<String, Object> root) {
        var entries = new ArrayList<Entry>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                continue;
            }
            entries.add(entry(name, e.getKey(), e.getValue()));
        }
        entries.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                throw corrupt(name, e.begin > expected
                        ? "tensor \"" + Echo.abbreviate(e.name, Echo.NAME) + "\" starts at byte " + e.begin + " of the data, leaving a gap after byte " + expected
                        : "tensor \"" + Echo.abbreviate(e.name, Echo.NAME) + "\" starts at byte " + e.begin + " of the data, overlapping the previous tensor which ends at " + expected);
            }
            expected = e.end;
        }
        return entries;
    }

    private static Entry entry(String file, String tensor, Object value) {
        String where = "tensor \"" + Echo.abbreviate(tensor, Echo.NAME) + "\"";
        if (!(value instanceof Map)) {
            throw corrupt(file, where + " is not described by a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) value;
        for (String key : info.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw corrupt(file, where + " has an unknown field \"" + key + "\"");
            }
        }
        Object dtype = info.get("dtype");
        if (!(dtype instanceof String)) {
            throw corrupt(file, where + " has no dtype string");
        }
        if (!dtype.equals("F32")) {
            throw corrupt(file, where + " has dtype " + dtype + "; cnnc reads only F32 (float32) tensors");
        }
        long[] shapeValues = integers(file, where, "shape", info.get("shape"), -1);
        int[] shape = new int[shapeValues.length];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shapeValues[i] > Integer.MAX_VALUE) {
                throw corrupt(file, where + " has a dimension of " + shapeValues[i] + ", too large");
            }
            shape[i] = (int) shapeValues[i];
            count = shape[i] == 0 || count <= Long.MAX_VALUE / shape[i] ? count * shape[i] : Long.MAX_VALUE;
        }
        // A Java float[] is int-indexed; the JVM allows a little less than Integer.MAX_VALUE.
        if (count > Integer.MAX_VALUE - 8) {
            throw corrupt(file, where + " has shape " + Arrays.toString(shape) + ", too large to load");
        }
        long[] offsets = integers(file, where, "data_offsets", info.get("data_offsets"), 2);
        if (offsets[1] < offsets[0]) {
            throw corrupt(file, where + " has data_offsets [" + offsets[0] + ", " + offsets[1] + "] that end before they begin");
        }
        if (offsets[1] - offsets[0] != 4 * count) {
            throw corrupt(file, where + " has shape " + Arrays.toString(shape) + " (" + count + " float32 values, "
                    + 4 * count + " bytes) but data_offsets [" + offsets[0] + ", " + offsets[1] + "] span "
                    + (offsets[1] - offsets[0]) + " bytes");
        }
        return new Entry(tensor, shape, offsets[0], offsets[1]);
    }

    private static long[] integers(String file, String where, String field, Object value, int length) {
        if (!(value instanceof List)) {
            throw corrupt(file, where + " has no " + field + " array");
        }
        List<?> list = (List<?>) value;
        if (length >= 0 && list.size() != length) {
            throw corrupt(file, where + " has " + list.size() + " " + field + " values, expected " + length);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            try {
                out[i] = ((BigDecimal) v).longValueExact();
            } catch (ClassCastException | ArithmeticException e) {
                throw corrupt(file, where + " has " + field + " value " + v + ", not a whole number");
            }
            if (out[i] < 0) {
                throw corrupt(file, where + " has a negative " + field + " value " + out[i]);
            }
        }
        return out;
    }

    private static Map<String, String> metadataOf(String file, Map<String, Object> root) {
        Object value = root.get(METADATA_KEY);
        var metadata = new LinkedHashMap<String, String>();
        if (value == null) {
            return metadata;
        }
        if (!(value instanceof Map)) {
            throw corrupt(file, METADATA_KEY + " is not a JSON object");
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw corrupt(file, METADATA_KEY + " value \"" + Echo.abbreviate(String.valueOf(e.getKey()), Echo.NAME) + "\" is not a string");
            }
            metadata.put((String) e.getKey(), (String) e.getValue());
        }
        return metadata;
    }

    // Tensors in header order (as written), not offset order: the order the user gave to write().
    private static LinkedHashMap<String, Tensor> inHeaderOrder(Map<String, Tensor> byOffset, Map<String, Object> root) {
        var ordered = new LinkedHashMap<String, Tensor>();
        for (String key : root.keySet()) {
            if (!key.equals(METADATA_KEY)) {
                ordered.put(key, byOffset.get(key));
            }
        }
        return ordered;
    }

    private static Map<String, Object> headerObject(String file, byte[] headerBytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(file, "the header is not valid UTF-8");
        }
        if (!text.startsWith("{")) {
            throw corrupt(file, "the header does not start with '{'; this is not a safetensors file");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.SyntaxException e) {
            throw corrupt(file, "the JSON header is malformed: " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) root;
        return map;
    }

    private static ModelFileException sizeMismatch(String file, long expected, long actual) {
        return corrupt(file, (actual < expected ? "truncated: " : "trailing bytes: ") + "the header describes "
                + expected + " bytes of tensor data but the file holds " + actual);
    }

    private static ModelFileException corrupt(String file, String problem) {
        return new ModelFileException(file + ": " + problem);
    }
}
