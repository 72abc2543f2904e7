package cnnc.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void goldenBytesOfATinyFile() throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("a", new Tensor(new int[] {2}, new float[] {1.0f, -2.0f}));
        tensors.put("b", new Tensor(new int[] {1, 1}, new float[] {0.5f}));
        Path file = dir.resolve("tiny.safetensors");
        SafeTensors.write(file, tensors, Map.of("k", "v"));

        // 135 bytes of JSON, padded with one space to 136, a multiple of 8; offsets counted by hand:
        // a holds 2 floats (bytes 0..8), b holds 1 float (bytes 8..12).
        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
        assertEquals(135, json.length());
        byte[] expected = concat(
                new byte[] {(byte) 136, 0, 0, 0, 0, 0, 0, 0},
                (json + " ").getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 0, (byte) 0x80, 0x3f}, // 1.0f little-endian
                new byte[] {0, 0, 0, (byte) 0xc0}, // -2.0f
                new byte[] {0, 0, 0, 0x3f}); // 0.5f
        assertArrayEquals(expected, Files.readAllBytes(file));
        assertArrayEquals(expected, SafeTensors.toBytes(tensors, Map.of("k", "v")));
    }

    @Test
    void roundTripsRandomTensorsAndAwkwardMetadata() throws IOException {
        var random = new Random(42);
        var tensors = new LinkedHashMap<String, Tensor>();
        // Names deliberately not in sorted order: the file keeps the order given.
        tensors.put("dense1.weight", randomTensor(random, 64, 845));
        tensors.put("conv1.weight", randomTensor(random, 10, 1, 3, 3));
        tensors.put("conv1.bias", randomTensor(random, 10));
        tensors.put("scalar", randomTensor(random));
        tensors.put("empty", new Tensor(new int[] {0, 3}, new float[0]));
        tensors.put("special", new Tensor(new int[] {5},
                new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE}));
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("source", "input 28x28x1\nconv 10 3x3 relu # \"quoted\" \\ back\\slash\r\n\tdense 10 softmax\n");
        metadata.put("compiler", "cnnc 0.1.0");
        metadata.put("unicode", "größe → 𝛉 ✓ \u0000 \u001f \u007f \u2028");
        metadata.put("", "empty key");

        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, tensors, metadata);
        SafeTensorsFile back = SafeTensors.read(file);

        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        for (String name : tensors.keySet()) {
            Tensor want = tensors.get(name);
            Tensor got = back.tensor(name);
            assertArrayEquals(want.shape(), got.shape(), name);
            // Bit patterns, so NaN and -0.0 count too.
            assertArrayEquals(bits(want.data()), bits(got.data()), name);
        }
        assertEquals(metadata, back.metadata());
        assertEquals(List.copyOf(metadata.keySet()), List.copyOf(back.metadata().keySet()));

        SafeTensorsFile fromStream = SafeTensors.read(new ByteArrayInputStream(Files.readAllBytes(file)), "resource");
        assertEquals(back.tensors(), fromStream.tensors());
        assertEquals(back.metadata(), fromStream.metadata());
        assertEquals(0, Files.size(file) % 4 == 0 ? 0 : 1, "the data starts 8-aligned and holds float32s");
    }

    @Test
    void readsTensorsStoredInAnotherOrderThanTheHeader() throws IOException {
        // Other writers (the Python reference) sort the header keys but not necessarily the data.
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] data = floats(2.0f, 3.0f);
        SafeTensorsFile f = SafeTensors.read(write(json, data));
        assertEquals(List.of("x", "y"), List.copyOf(f.tensors().keySet()));
        assertEquals(3.0f, f.tensor("x").data()[0]);
        assertEquals(2.0f, f.tensor("y").data()[0]);
        assertTrue(f.metadata().isEmpty());
    }

    @Test
    void tooShortFiles() throws IOException {
        assertCorrupt(writeRaw(new byte[0]), "too short");
        assertCorrupt(writeRaw(new byte[] {1, 2, 3}), "too short");
    }

    @Test
    void implausibleHeaderLength() throws IOException {
        byte[] bytes = new byte[16];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        assertCorrupt(writeRaw(bytes), "header length 1099511627776 is not plausible");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        assertCorrupt(writeRaw(bytes), "not plausible");
    }

    @Test
    void headerLongerThanTheFile() throws IOException {
        byte[] bytes = new byte[20];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(100);
        assertCorrupt(writeRaw(bytes), "truncated: the header should be 100 bytes but only 12");
        assertStreamCorrupt(bytes, "truncated: the header should be 100 bytes but only 12");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] whole = SafeTensors.toBytes(sample(), Map.of());
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        assertCorrupt(writeRaw(cut), "truncated: the header describes 24 bytes of tensor data but the file holds 21");
        assertStreamCorrupt(cut, "truncated: the header describes 24 bytes of tensor data but the file holds 21");
        // Cut inside the header.
        assertCorrupt(writeRaw(Arrays.copyOf(whole, 30)), "truncated: the header should be");
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] whole = SafeTensors.toBytes(sample(), Map.of());
        byte[] longer = Arrays.copyOf(whole, whole.length + 5);
        assertCorrupt(writeRaw(longer), "trailing bytes: the header describes 24 bytes of tensor data but the file holds 29");
        assertStreamCorrupt(longer, "trailing bytes: the header describes 24 bytes of tensor data but the file holds 29");
    }

    @Test
    void notJson() throws IOException {
        assertCorrupt(write("[1,2]   ", new byte[0]), "does not start with '{'");
        assertCorrupt(write("{\"a\":    ", new byte[0]), "JSON header is malformed");
        assertCorrupt(write("{\"a\":1}x", new byte[0]), "JSON header is malformed: unexpected 'x' after the value");
        assertCorrupt(write("{\"a\":\"\\q\"}", new byte[0]), "invalid escape");
        byte[] badUtf8 = concat(lengthOf(4), new byte[] {'{', (byte) 0xff, '}', ' '});
        assertCorrupt(writeRaw(badUtf8), "not valid UTF-8");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertCorrupt(write(json, floats(1, 2)), "duplicate key \"x\"");
    }

    @Test
    void nonF32Dtype() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        assertCorrupt(write(json, new byte[4]), "tensor \"x\" has dtype F16; cnnc reads only F32");
    }

    @Test
    void shapeDisagreesWithOffsets() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
        assertCorrupt(write(json, new byte[12]), "tensor \"x\" has shape [2, 2] (4 float32 values, 16 bytes) but data_offsets [0, 12] span 12 bytes");
    }

    @Test
    void overlappingOffsets() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertCorrupt(write(json, new byte[12]), "tensor \"y\" starts at byte 4 of the data, overlapping");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertCorrupt(write(json, new byte[12]), "tensor \"y\" starts at byte 8 of the data, leaving a gap after byte 4");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertCorrupt(write(json, new byte[8]), "truncated: the header describes 16 bytes of tensor data but the file holds 8");
        // From a stream, a header promising 400 MB that is not there fails without allocating it.
        String big = "{\"x\":{\"dtype\":\"F32\",\"shape\":[100000000],\"data_offsets\":[0,400000000]}}";
        byte[] header = big.getBytes(StandardCharsets.UTF_8);
        assertStreamCorrupt(concat(lengthOf(header.length), header, new byte[8]),
                "truncated: the header describes 400000000 bytes of tensor data but the file holds 8");
        String reversed = "{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}";
        assertCorrupt(write(reversed, new byte[8]), "end before they begin");
        String huge = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999999]}}";
        assertCorrupt(write(huge, new byte[4]), "not a whole number");
    }

    @Test
    void malformedTensorDescriptions() throws IOException {
        assertCorrupt(write("{\"x\":3}", new byte[0]), "tensor \"x\" is not described by a JSON object");
        assertCorrupt(write("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}", new byte[0]), "tensor \"x\" has no shape array");
        assertCorrupt(write("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]), "negative shape value -1");
        assertCorrupt(write("{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,0]}}", new byte[0]), "shape value 1.5, not a whole number");
        assertCorrupt(write("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[0]), "1 data_offsets values, expected 2");
        assertCorrupt(write("{\"x\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", new byte[4]), "too large to load");
        assertCorrupt(write("{\"x\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"extra\":1}}", new byte[4]), "unknown field \"extra\"");
        assertCorrupt(write("{\"__metadata__\":{\"a\":1}}", new byte[0]), "__metadata__ value \"a\" is not a string");
        assertCorrupt(write("{\"__metadata__\":[]}", new byte[0]), "__metadata__ is not a JSON object");
    }

    @Test
    void missingFileAndMissingTensor() throws IOException {
        Path missing = dir.resolve("nope.safetensors");
        var e = assertThrows(ModelFileException.class, () -> SafeTensors.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        SafeTensorsFile f = SafeTensors.read(write("{}", new byte[0]));
        var m = assertThrows(ModelFileException.class, () -> f.tensor("conv1.weight"));
        assertTrue(m.getMessage().contains("no tensor \"conv1.weight\""), m.getMessage());
    }

    @Test
    void tensorValidatesItsShape() {
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.toBytes(
                new LinkedHashMap<>(Map.of("__metadata__", new Tensor(new int[0], new float[1]))), Map.of()));
    }

    // ---------------------------------------------------------------- helpers

    private static LinkedHashMap<String, Tensor> sample() {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("w", new Tensor(new int[] {2, 2}, new float[] {1, 2, 3, 4}));
        tensors.put("b", new Tensor(new int[] {2}, new float[] {5, 6}));
        return tensors;
    }

    private static Tensor randomTensor(Random random, int... shape) {
        float[] data = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return new Tensor(shape, data);
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] lengthOf(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    private Path write(String json, byte[] data) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return writeRaw(concat(lengthOf(header.length), header, data));
    }

    private Path writeRaw(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(file, bytes);
        return file;
    }

    private static void assertCorrupt(Path file, String expected) {
        var e = assertThrows(ModelFileException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected to contain: " + expected);
    }

    private static void assertStreamCorrupt(byte[] bytes, String expected) {
        var e = assertThrows(ModelFileException.class,
                () -> SafeTensors.read(new ByteArrayInputStream(bytes), "jar:/model.safetensors"));
        assertTrue(e.getMessage().startsWith("jar:/model.safetensors: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected to contain: " + expected);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
