package cnnc.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.Frontend;
import cnnc.data.DataException;
import cnnc.data.IdxReader;
import cnnc.diag.SourceFile;
import cnnc.io.ModelFileException;
import cnnc.io.SafeTensors;
import cnnc.io.Tensor;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Data and weights files as an attacker or a broken disk writes them: random and mutated IDX
 * headers, gzip streams and safetensors headers. Run in a JVM of 256 MB (the pom's
 * hostile-files-small-heap execution), each case within a few seconds: a reader must never hang,
 * never run out of memory, never fail with anything but its own exception, and that exception's
 * message must name the file and say what is wrong.
 */
class HostileFilesFuzz {
    private static final Duration PER_CASE = Duration.ofSeconds(10);
    private static final int[] INTERESTING = {0, 1, 2, 10, 28, 255, 256, 60_000, 65_536, 1 << 24, 0x7fff_ffff, -1,
        Integer.MIN_VALUE, 0x7fff_fff7, 46_341, 2_097_652};
    private static final Network NETWORK = Frontend.compile(new SourceFile("f.cnn", "input 2x2x1\nconv 2 1x1\nflatten\ndense 3 softmax\n"))
            .network().orElseThrow();

    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("cnnc-fuzz");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    // ---------------------------------------------------------------- IDX

    @Property(tries = 2000, seed = "1201", shrinking = ShrinkingMode.OFF)
    void randomIdxHeaders(@ForAll long seed) {
        var r = new Random(seed);
        boolean images = r.nextBoolean();
        var header = ByteBuffer.allocate(images ? 16 : 8);
        int magic = switch (r.nextInt(4)) {
            case 0 -> r.nextInt();
            case 1 -> 0x0800 | r.nextInt(8);
            default -> images ? 0x803 : 0x801;
        };
        header.putInt(magic);
        for (int i = 0; i < (images ? 3 : 1); i++) {
            header.putInt(r.nextInt(3) == 0 ? r.nextInt() : INTERESTING[r.nextInt(INTERESTING.length)]);
        }
        byte[] payload = new byte[r.nextInt(3000)];
        r.nextBytes(payload);
        if (r.nextBoolean()) {
            Arrays.fill(payload, (byte) r.nextInt(10)); // valid labels, often
        }
        byte[] file = concat(header.array(), payload);
        readIdx(r.nextBoolean() ? gzip(file) : file, images);
    }

    @Property(tries = 2000, seed = "1202", shrinking = ShrinkingMode.OFF)
    void mutatedIdxFiles(@ForAll long seed) {
        var r = new Random(seed);
        boolean images = r.nextBoolean();
        byte[] mutated = mutate(validIdx(r, images), r);
        readIdx(r.nextBoolean() ? gzip(mutated) : mutated, images);
    }

    @Property(tries = 2000, seed = "1203", shrinking = ShrinkingMode.OFF)
    void mutatedGzipStreams(@ForAll long seed) {
        var r = new Random(seed);
        boolean images = r.nextBoolean();
        byte[] compressed = gzip(validIdx(r, images));
        if (r.nextInt(4) == 0) {
            compressed = concat(compressed, gzip(new byte[r.nextInt(20)])); // a second member
        }
        readIdx(mutate(compressed, r), images);
    }

    private static void readIdx(byte[] bytes, boolean images) {
        Path file = write("idx", bytes);
        expectOnly(DataException.class, file, () -> {
            if (images) {
                IdxReader.readImages(file);
            } else {
                IdxReader.readLabels(file);
            }
        });
    }

    private static byte[] validIdx(Random r, boolean images) {
        return images ? validImages(r, 1 + r.nextInt(20)) : validLabels(r, 1 + r.nextInt(200));
    }

    private static byte[] validImages(Random r, int count) {
        var b = ByteBuffer.allocate(16 + count * 4 * 5);
        b.putInt(0x803).putInt(count).putInt(4).putInt(5);
        byte[] pixels = new byte[count * 20];
        r.nextBytes(pixels);
        return b.put(pixels).array();
    }

    private static byte[] validLabels(Random r, int count) {
        var b = ByteBuffer.allocate(8 + count);
        b.putInt(0x801).putInt(count);
        for (int i = 0; i < count; i++) {
            b.put((byte) r.nextInt(10));
        }
        return b.array();
    }

    // ---------------------------------------------------------------- safetensors

    @Property(tries = 2000, seed = "1204", shrinking = ShrinkingMode.OFF)
    void randomSafetensorsHeaders(@ForAll long seed) {
        var r = new Random(seed);
        var json = new StringBuilder("{");
        int tensors = r.nextInt(4);
        long offset = 0;
        for (int t = 0; t < tensors; t++) {
            String name = pick(r, "conv1.weight", "conv1.bias", "dense1.weight", "dense1.bias", "x".repeat(r.nextInt(3000)), "");
            long[] shape = new long[r.nextInt(5)];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = r.nextInt(3) == 0 ? INTERESTING[r.nextInt(INTERESTING.length)] : 1 + r.nextInt(4);
                count *= shape[i];
            }
            long length = r.nextInt(4) == 0 ? INTERESTING[r.nextInt(INTERESTING.length)] : 4 * count;
            json.append(t == 0 ? "" : ",").append('"').append(name).append("\":{\"dtype\":\"")
                    .append(pick(r, "F32", "F32", "F16", "I64", "f32")).append("\",\"shape\":")
                    .append(Arrays.toString(shape)).append(",\"data_offsets\":[").append(offset).append(',')
                    .append(offset + length).append("]}");
            offset += length;
        }
        if (r.nextBoolean()) {
            json.append(tensors == 0 ? "" : ",").append("\"__metadata__\":{\"cnn_source\":\"input 2x2x1\"}");
        }
        json.append(r.nextInt(10) == 0 ? "" : "}");
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        long declared = r.nextInt(8) == 0 ? r.nextLong() : header.length + (r.nextInt(4) == 0 ? r.nextInt(21) - 10 : 0);
        byte[] data = new byte[(int) Math.max(0, Math.min(Math.max(0, offset), 4096) + (r.nextInt(4) == 0 ? r.nextInt(9) - 4 : 0))];
        byte[] lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array();
        readSafetensors(concat(concat(lengthField, header), data));
    }

    @Property(tries = 2000, seed = "1205", shrinking = ShrinkingMode.OFF)
    void mutatedSafetensorsFiles(@ForAll long seed) {
        var r = new Random(seed);
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("conv1.weight", new Tensor(new int[] {2, 1, 1, 1}, new float[] {r.nextFloat(), r.nextFloat()}));
        tensors.put("conv1.bias", new Tensor(new int[] {2}, new float[2]));
        tensors.put("dense1.weight", new Tensor(new int[] {3, 8}, new float[24]));
        tensors.put("dense1.bias", new Tensor(new int[] {3}, new float[3]));
        byte[] valid = SafeTensors.toBytes(tensors, Map.of("cnn_source", "input 2x2x1"));
        readSafetensors(mutate(valid, r));
    }

    private static void readSafetensors(byte[] bytes) {
        Path file = write("st", bytes);
        expectOnly(ModelFileException.class, file, () -> ModelFiles.load(SafeTensors.read(file), file.toString(), NETWORK));
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code read} within the time limit; only {@code allowed}, with a message naming the file, may escape. */
    private static void expectOnly(Class<? extends RuntimeException> allowed, Path file, Runnable read) {
        Throwable thrown = assertTimeoutPreemptively(PER_CASE, () -> {
            try {
                read.run();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        if (thrown == null) {
            return;
        }
        if (!allowed.isInstance(thrown)) {
            fail("expected only " + allowed.getSimpleName() + " but got " + thrown, thrown);
        }
        String message = thrown.getMessage();
        assertTrue(message != null && message.matches(java.util.regex.Pattern.quote(file.toString()) + "[: ].*"), "names the file: " + message);
        assertTrue(message.length() > file.toString().length() + 10, "says what is wrong: " + message);
        assertFalse(message.contains("null") || message.contains("Exception"), "no Java internals: " + message);
        assertTrue(message.length() < 1000, "a short message: " + message.length() + " characters");
        assertEquals(-1, message.indexOf('\n'), "one line: " + message);
    }

    /** Bit flips, truncation, garbage appended, bytes inserted or deleted, or a header int replaced. */
    private static byte[] mutate(byte[] bytes, Random r) {
        byte[] out = bytes.clone();
        int mutations = 1 + r.nextInt(3);
        for (int m = 0; m < mutations && out.length > 0; m++) {
            switch (r.nextInt(6)) {
                case 0 -> out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> out = Arrays.copyOf(out, r.nextInt(out.length));
                case 2 -> {
                    byte[] garbage = new byte[1 + r.nextInt(64)];
                    r.nextBytes(garbage);
                    out = concat(out, garbage);
                }
                case 3 -> {
                    int at = r.nextInt(out.length);
                    out = concat(concat(Arrays.copyOf(out, at), new byte[] {(byte) r.nextInt()}), Arrays.copyOfRange(out, at, out.length));
                }
                case 4 -> {
                    int at = r.nextInt(out.length);
                    out = concat(Arrays.copyOf(out, at), Arrays.copyOfRange(out, Math.min(out.length, at + 1 + r.nextInt(8)), out.length));
                }
                default -> {
                    int at = 4 * r.nextInt(Math.max(1, Math.min(4, out.length / 4)));
                    if (at + 4 <= out.length) {
                        ByteBuffer.wrap(out).putInt(at, INTERESTING[r.nextInt(INTERESTING.length)]);
                    }
                }
            }
        }
        return out;
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Path write(String prefix, byte[] bytes) {
        try {
            Path file = dir.resolve(prefix + ".bin");
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
