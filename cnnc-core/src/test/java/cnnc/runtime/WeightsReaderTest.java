package cnnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.io.SafeTensors;
import cnnc.io.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The weights reader that built jars carry, on the hostile cases cnnc's own safetensors reader
 * is held to, and on what only it checks: the network's names and shapes, and finite values.
 */
class WeightsReaderTest {
    private static final String[] NAMES = {"w", "b"};
    private static final int[][] SHAPES = {{2, 2}, {2}};
    private static final String PREFIX = "cannot load the weights of Net from the stream: ";

    private static LinkedHashMap<String, Tensor> sample() {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("w", new Tensor(new int[] {2, 2}, new float[] {1, 2, 3, 4}));
        tensors.put("b", new Tensor(new int[] {2}, new float[] {5, 6}));
        return tensors;
    }

    private static float[][] read(byte[] bytes) throws IOException {
        return WeightsReader.read(new ByteArrayInputStream(bytes), "the stream", "Net", NAMES, SHAPES);
    }

    @Test
    void readsTheWeightsItNeedsInItsOwnOrder() throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("extra", new Tensor(new int[] {3}, new float[] {7, 8, 9}));
        tensors.put("b", new Tensor(new int[] {2}, new float[] {5, 6}));
        tensors.put("w", new Tensor(new int[] {2, 2}, new float[] {1, 2, 3, 4}));
        float[][] weights = read(SafeTensors.toBytes(tensors, Map.of("cnn_source", "input 2")));
        assertArrayEquals(new float[] {1, 2, 3, 4}, weights[0]);
        assertArrayEquals(new float[] {5, 6}, weights[1]);
    }

    @Property(tries = 200)
    void roundTripsRandomWeightsBitForBit(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int size) throws IOException {
        var random = new Random(seed);
        float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            w[i] = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(w[i])) {
                w[i] = (float) random.nextGaussian();
            }
        }
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("w", new Tensor(new int[] {size}, w));
        float[][] back = WeightsReader.read(new ByteArrayInputStream(SafeTensors.toBytes(tensors, Map.of())), "s", "Net",
                new String[] {"w"}, new int[][] {{size}});
        assertEquals(Arrays.toString(bits(w)), Arrays.toString(bits(back[0])));
    }

    /** Any byte of a good file changed: the weights load as written, or an IOException says why; nothing else. */
    @Property(tries = 1000)
    void aMutatedFileLoadsOrFailsWithAMessage(@ForAll @IntRange(min = 0, max = 200) int at, @ForAll byte value) {
        byte[] bytes = SafeTensors.toBytes(sample(), Map.of("k", "v"));
        bytes[at % bytes.length] = value;
        try {
            float[][] weights = read(bytes);
            assertEquals(2, weights.length);
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith(PREFIX), e.getMessage());
        }
    }

    @Test
    void tooShortAndImplausibleHeaders() {
        assertProblem(new byte[3], "it holds 3 bytes, too few for a safetensors file");
        assertProblem(concat(lengthOf(1L << 40), new byte[8]), "its header length 1099511627776 is implausible");
        assertProblem(concat(lengthOf(-1), new byte[8]), "is implausible");
        assertProblem(concat(lengthOf(100), new byte[12]), "it is truncated: the header should be 100 bytes, but only 12 follow");
    }

    @Test
    void truncatedAndTrailingData() {
        byte[] whole = SafeTensors.toBytes(sample(), Map.of());
        assertProblem(Arrays.copyOf(whole, whole.length - 3),
                "it is truncated: its header describes 24 bytes of tensor data, but fewer follow");
        assertProblem(Arrays.copyOf(whole, whole.length + 5), "it goes on after the 24 bytes of tensor data its header describes");
    }

    @Test
    void headersThatAreNotJsonObjects() {
        assertProblem(withHeader("[1,2]", new byte[0]), "its header is not a JSON object");
        assertProblem(withHeader("{\"a\":    ", new byte[0]), "its header is not valid JSON: the header ends too early");
        assertProblem(withHeader("{\"a\":1}x", new byte[0]), "unexpected text after the header");
        assertProblem(withHeader("{\"a\":\"\\q\"}", new byte[0]), "invalid escape '\\q'");
        assertProblem(withHeader("{\"a\":\"\\u12g4\"}", new byte[0]), "a unicode escape is malformed");
        assertProblem(concat(lengthOf(4), new byte[] {'{', (byte) 0xff, '}', ' '}), "its header is not valid UTF-8");
        assertProblem(withHeader("[".repeat(100), new byte[0]), "the header nests too deeply");
    }

    @Test
    void duplicateTensorNamesAreRejected() {
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertProblem(withHeader(json, new byte[8]), "duplicate key \"w\"");
    }

    @Test
    void malformedTensorDescriptions() {
        assertProblem(withHeader("{\"x\":3}", new byte[0]), "tensor x is not described by a JSON object");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor x has dtype F16, not F32 (float32)");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}", new byte[0]), "tensor x has no shape array");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]),
                "tensor x has shape value -1, not a whole number >= 0");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,0]}}", new byte[0]),
                "shape value 1.5, not a whole number");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[0]),
                "tensor x has invalid data_offsets [0]");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", new byte[8]),
                "tensor x has invalid data_offsets [8, 4]");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999999]}}",
                new byte[4]), "not a whole number");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", new byte[4]),
                "too large to load");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", new byte[12]),
                "tensor x spans 12 bytes of data, not the 16 its shape [2, 2] needs");
        assertProblem(withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"extra\":1}}", new byte[4]),
                "tensor x has an unknown field \"extra\"");
        assertProblem(withHeader("{\"__metadata__\":{\"a\":1}}", new byte[0]), "__metadata__ value \"a\" is not a string");
        assertProblem(withHeader("{\"__metadata__\":[]}", new byte[0]), "__metadata__ is not a JSON object");
    }

    @Test
    void tensorsMustTileTheDataArea() {
        String overlap = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertProblem(withHeader(overlap, new byte[12]), "tensor b starts at byte 4 of the data, overlapping the previous tensor");
        String gap = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertProblem(withHeader(gap, new byte[12]), "tensor b starts at byte 8 of the data, leaving a gap after byte 4");
    }

    /** A header promising 400 MB of a tensor the network does not need fails without allocating it. */
    @Test
    void aHugeTensorThatIsNotThereIsTruncationNotAnAllocation() {
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
                + "\"big\":{\"dtype\":\"F32\",\"shape\":[100000000],\"data_offsets\":[24,400000024]}}";
        assertProblem(withHeader(json, new byte[24]), "its header describes 400000024 bytes of tensor data, but fewer follow");
    }

    @Test
    void theNetworksOwnNamesAndShapes() {
        var other = new LinkedHashMap<String, Tensor>();
        other.put("w", new Tensor(new int[] {4}, new float[4]));
        other.put("b", new Tensor(new int[] {2}, new float[2]));
        assertProblem(SafeTensors.toBytes(other, Map.of()), "tensor w has shape [4] but Net needs [2, 2]");
        other.remove("b");
        other.put("w", new Tensor(new int[] {2, 2}, new float[4]));
        assertProblem(SafeTensors.toBytes(other, Map.of()), "it has no tensor b (are these the weights of another network?)");
    }

    @Test
    void nanAndInfinityAreNotUsableWeights() {
        var tensors = sample();
        tensors.put("b", new Tensor(new int[] {2}, new float[] {5, Float.NaN}));
        assertProblem(SafeTensors.toBytes(tensors, Map.of()), "tensor b holds NaN at index 1: these weights are not usable");
        tensors.put("b", new Tensor(new int[] {2}, new float[] {Float.NEGATIVE_INFINITY, 6}));
        assertProblem(SafeTensors.toBytes(tensors, Map.of()), "tensor b holds an infinity at index 0");
    }

    @Test
    void aNullStreamIsANullPointerException() {
        assertThrows(NullPointerException.class, () -> WeightsReader.read(null, "s", "Net", NAMES, SHAPES));
    }

    // ---------------------------------------------------------------- helpers

    private static void assertProblem(byte[] bytes, String expected) {
        var e = assertThrows(IOException.class, () -> read(bytes));
        assertTrue(e.getMessage().startsWith(PREFIX), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected to contain: " + expected);
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    private static byte[] lengthOf(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    private static byte[] withHeader(String json, byte[] data) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return concat(lengthOf(header.length), header, data);
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
