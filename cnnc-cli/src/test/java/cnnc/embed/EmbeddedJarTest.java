package cnnc.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.Frontend;
import cnnc.cli.Main;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.data.Dataset;
import cnnc.data.Mnist;
import cnnc.data.MnistFiles;
import cnnc.data.TrainTest;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import cnnc.train.GlorotUniform;
import cnnc.train.ModelFiles;
import cnnc.train.Trainer;
import cnnc.train.TrainingConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar {@code cnnc build} writes for the lab network, trained one epoch on the MNIST slice:
 * a consumer compiled and run against nothing but the JDK and the jar predicts exactly what the
 * trainer's class does; the jar holds nothing else; concurrent callers agree; bad weights and bad
 * inputs fail with messages that say what is wrong.
 */
class EmbeddedJarTest {
    private static final String PACKAGE = "com.example.digits";
    private static final String CLASS = PACKAGE + ".LabNetwork";

    @TempDir
    static Path dir;

    private static Network network;
    private static float[][] params;
    private static Dataset test;
    private static Path model;
    private static Path jar;
    /** The trainer's class, training off: what every prediction must equal, bit for bit. */
    private static float[] expected;
    private static URLClassLoader loader;
    private static Class<?> type;

    @BeforeAll
    static void trainAndBuild() throws Exception {
        Path lab = Path.of("examples/lab.cnn");
        network = Frontend.compile(new SourceFile(lab.toString(), Files.readString(lab))).network().orElseThrow();
        TrainTest data = Mnist.load(MnistFiles.in(sliceDir()));
        test = data.test();
        CompiledNetwork compiled = NetworkCompiler.compile(network);
        params = (float[][]) compiled.newParameters();
        GlorotUniform.initialize(compiled.parameters(), params, 7);
        var config = TrainingConfig.resolve(network.training(),
                new TrainingConfig.Overrides(1, 32, 7L, 2, null, null, Map.of(), null, null, null));
        new Trainer(compiled, config, new PrintWriter(Writer.nullWriter()), false).train(params, data.train(), test);
        model = dir.resolve("model.safetensors");
        ModelFiles.save(model, network, params);

        jar = dir.resolve("lab.jar");
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(new String[] {"build", lab.toString(), "--weights", model.toString(), "-o", jar.toString(),
                "--package", PACKAGE}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("com.example.digits:lab-network:1.0.0"), out.toString());

        NetworkInstance reference = compiled.instantiate(test.count(), params);
        reference.forward(test.images(), 0, test.count(), false);
        expected = ((float[]) reference.output()).clone();

        // Only the platform's classes (the JDK's) are visible besides the jar: not cnnc, not the test's.
        loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        type = loader.loadClass(CLASS);
    }

    @AfterAll
    static void closeLoader() throws IOException {
        if (loader != null) {
            loader.close();
        }
    }

    static Path sliceDir() throws Exception {
        return CliRun.mnistSlice();
    }

    // ------------------------------------------------------------------ a separate program and JVM

    @Test
    void consumerInItsOwnJvmPredictsExactlyAsTheTrainer() throws Exception {
        Path work = Files.createDirectories(dir.resolve("consumer"));
        Path source = work.resolve("Consumer.java");
        Files.writeString(source, """
                import com.example.digits.LabNetwork;
                import java.nio.ByteBuffer;
                import java.nio.ByteOrder;
                import java.nio.FloatBuffer;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.util.Arrays;

                public class Consumer {
                    public static void main(String[] args) throws Exception {
                        FloatBuffer in = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[0])))
                                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                        float[][] images = new float[in.remaining() / LabNetwork.INPUT_SIZE][LabNetwork.INPUT_SIZE];
                        for (float[] image : images) {
                            in.get(image);
                        }
                        LabNetwork network = new LabNetwork();
                        float[][] batch = network.predict(images);
                        StringBuilder out = new StringBuilder();
                        for (int i = 0; i < images.length; i++) {
                            float[] p = network.predict(images[i]);
                            out.append(network.classify(images[i])).append(Arrays.equals(p, batch[i]) ? "" : " batch-differs");
                            for (float v : p) {
                                out.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
                            }
                            out.append('\\n');
                        }
                        Files.writeString(Path.of(args[1]), out);
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        var messages = new ByteArrayOutputStream();
        int compiled = javac.run(null, messages, messages, "--release", "17", "-proc:none", "-Xlint:all", "-Werror",
                "-classpath", jar.toString(), "-d", work.toString(), source.toString());
        assertEquals(0, compiled, messages.toString(StandardCharsets.UTF_8));

        Path images = work.resolve("images.f32");
        ByteBuffer bytes = ByteBuffer.allocate(4 * test.images().length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(test.images());
        Files.write(images, bytes.array());
        Path results = work.resolve("results.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", jar + File.pathSeparator + work, "Consumer",
                images.toString(), results.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the consumer did not finish");
        assertEquals(0, process.exitValue(), Files.readString(work.resolve("log.txt")));

        List<String> lines = Files.readAllLines(results);
        assertEquals(test.count(), lines.size());
        int outputs = network.output().size();
        int correct = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).split(" ");
            assertEquals(1 + outputs, fields.length, "image " + i + ": " + lines.get(i));
            int best = 0;
            for (int j = 0; j < outputs; j++) {
                float want = expected[i * outputs + j];
                float got = Float.intBitsToFloat(Integer.parseUnsignedInt(fields[1 + j], 16));
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                        "image " + i + " output " + j + ": trainer " + want + ", jar " + got);
                best = want > expected[i * outputs + best] ? j : best;
            }
            assertEquals(best, Integer.parseInt(fields[0]), "classify of image " + i);
            correct += best == test.label(i) ? 1 : 0;
        }
        // One epoch on 2,000 images: far from the lab's 98%, far above chance; proves real weights travelled.
        assertTrue(correct > 0.6 * test.count(), "accuracy " + correct + "/" + test.count());
    }

    // ------------------------------------------------------------------ what the jar holds

    @Test
    void jarHoldsTheNetworkItsSourceWeightsAndPomAndNothingElse() throws IOException {
        var names = new TreeSet<String>();
        try (var file = new JarFile(jar.toFile())) {
            file.stream().map(JarEntry::getName).forEach(names::add);
            assertEquals(Set.of(
                    "META-INF/", "META-INF/MANIFEST.MF", "com/", "com/example/", "com/example/digits/",
                    "com/example/digits/LabNetwork.class", "com/example/digits/LabNetwork$ForwardPass.class",
                    "com/example/digits/LabNetwork.java", "com/example/digits/LabNetworkWeights.java",
                    "com/example/digits/LabNetworkWeights.class", "com/example/digits/LabNetworkWeights$Entry.class",
                    "com/example/digits/LabNetworkWeightsJson.class", "com/example/digits/LabNetworkWeightsJson.java",
                    "com/example/digits/LabNetwork.safetensors", "META-INF/maven/", "META-INF/maven/com.example.digits/",
                    "META-INF/maven/com.example.digits/lab-network/",
                    "META-INF/maven/com.example.digits/lab-network/pom.xml",
                    "META-INF/maven/com.example.digits/lab-network/pom.properties"), names);
            assertEquals(PACKAGE, file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            String pom = read(file, "META-INF/maven/com.example.digits/lab-network/pom.xml");
            assertTrue(pom.contains("<groupId>com.example.digits</groupId>"), pom);
            assertTrue(pom.contains("<artifactId>lab-network</artifactId>"), pom);
            assertTrue(pom.contains("<version>1.0.0</version>"), pom);
            assertFalse(pom.contains("<dependencies>"), pom);
            String properties = read(file, "META-INF/maven/com.example.digits/lab-network/pom.properties");
            assertTrue(properties.contains("groupId=com.example.digits\nartifactId=lab-network\nversion=1.0.0\n"), properties);
            assertTrue(read(file, "com/example/digits/LabNetwork.java").contains("public final class LabNetwork"));
            String reader = read(file, "com/example/digits/LabNetworkWeights.java");
            assertTrue(reader.startsWith("// Copied by cnnc ") && reader.contains("package com.example.digits;\n")
                    && reader.contains("final class LabNetworkWeights {") && reader.contains("new LabNetworkWeightsJson(")
                    && !reader.contains("WeightsReader") && !reader.contains("HeaderJson"), reader);
            for (String name : names) {
                if (name.endsWith(".class")) {
                    byte[] classFile = file.getInputStream(file.getEntry(name)).readAllBytes();
                    assertEquals(61, ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF), name + " targets Java 17");
                    for (String used : classReferences(classFile)) {
                        assertTrue(used.startsWith("java/") || used.startsWith("com/example/digits/LabNetwork"),
                                name + " refers to " + used + ", which is neither the JDK's nor the jar's");
                    }
                }
            }
        }
        assertTrue(Files.size(jar) < 200 * 1024, "the lab network's jar is " + Files.size(jar) + " bytes");
    }

    @Test
    void classLoadsWithOnlyThePlatformLoaderBehindItAndUsesItsEmbeddedWeights() throws Exception {
        assertEquals(loader, type.getClassLoader());
        assertEquals(784, type.getField("INPUT_SIZE").getInt(null));
        assertEquals(10, type.getField("OUTPUT_SIZE").getInt(null));
        assertEquals(28, type.getField("INPUT_HEIGHT").getInt(null));
        assertEquals(1, type.getField("INPUT_CHANNELS").getInt(null));
        Object network = type.getConstructor().newInstance();
        Method predict = type.getMethod("predict", float[].class);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(expectedOutput(i), (float[]) predict.invoke(network, (Object) test.image(i)));
        }
    }

    @Test
    void theSameInputsBuildTheSameBytes() throws IOException {
        Path again = dir.resolve("again.jar");
        int code = Main.run(new String[] {"build", "examples/lab.cnn", "--weights", model.toString(), "-o", again.toString(),
                "--package", PACKAGE}, new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        assertEquals(0, code);
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(again));
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void eightThreadsAtOnceGiveTheAnswersOfOneThread() throws Exception {
        Object network = type.getConstructor().newInstance();
        Method predict = type.getMethod("predict", float[].class);
        Method predictBatch = type.getMethod("predict", float[][].class);
        int count = 200;
        float[][] images = new float[count][];
        float[][] alone = new float[count][];
        for (int i = 0; i < count; i++) {
            images[i] = test.image(i);
            alone[i] = (float[]) predict.invoke(network, (Object) images[i]);
            assertArrayEquals(expectedOutput(i), alone[i]);
        }
        int threads = 8;
        var start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var futures = new ArrayList<Future<List<String>>>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    start.await(30, TimeUnit.SECONDS);
                    for (int round = 0; round < 5; round++) {
                        if ((thread + round) % 3 == 0) {
                            // a batch, which runs in blocks of this thread's own buffers
                            float[][] got = (float[][]) predictBatch.invoke(network, (Object) images);
                            for (int i = 0; i < count; i++) {
                                if (!Arrays.equals(alone[i], got[i])) {
                                    wrong.add("thread " + thread + " round " + round + " batch image " + i);
                                }
                            }
                        } else {
                            for (int k = 0; k < count; k++) {
                                int i = (k + 25 * thread) % count; // each thread in its own order
                                if (!Arrays.equals(alone[i], (float[]) predict.invoke(network, (Object) images[i]))) {
                                    wrong.add("thread " + thread + " round " + round + " image " + i);
                                }
                            }
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                wrong.addAll(f.get(120, TimeUnit.SECONDS));
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " predictions differ from one thread's, e.g. "
                    + wrong.subList(0, Math.min(10, wrong.size())));
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ mistakes

    @Test
    void wrongInputLengthIsAnIllegalArgumentNamingTheShape() throws Exception {
        Object network = type.getConstructor().newInstance();
        var e = thrown(IllegalArgumentException.class, () -> type.getMethod("predict", float[].class)
                .invoke(network, (Object) new float[100]));
        assertEquals("input: expected 784 values (28x28x1, height x width x channels), got 100", e.getMessage());
        e = thrown(IllegalArgumentException.class, () -> type.getMethod("classify", float[].class)
                .invoke(network, (Object) new float[785]));
        assertEquals("input: expected 784 values (28x28x1, height x width x channels), got 785", e.getMessage());
        e = thrown(IllegalArgumentException.class, () -> type.getMethod("predict", float[][].class)
                .invoke(network, (Object) new float[][] {new float[784], new float[28]}));
        assertEquals("inputs[1]: expected 784 values (28x28x1, height x width x channels), got 28", e.getMessage());
        var npe = thrown(NullPointerException.class, () -> type.getMethod("predict", float[].class)
                .invoke(network, (Object) null));
        assertEquals("input is null", npe.getMessage());
    }

    @Test
    void weightsFromAStreamLoadAndCorruptOnesFailWithAClearIOException() throws Exception {
        Constructor<?> fromStream = type.getConstructor(InputStream.class);
        byte[] good = Files.readAllBytes(model);
        Object network = fromStream.newInstance(new ByteArrayInputStream(good));
        assertArrayEquals(expectedOutput(3), (float[]) type.getMethod("predict", float[].class)
                .invoke(network, (Object) test.image(3)));

        assertMessage(fromStream, Arrays.copyOf(good, good.length - 100),
                "cannot load the weights of LabNetwork from the weights stream: it is truncated: its header describes "
                        + "37076 bytes of tensor data, but fewer follow");
        assertMessage(fromStream, Arrays.copyOf(good, 5), "it holds 5 bytes, too few for a safetensors file");
        assertMessage(fromStream, Arrays.copyOf(good, 40), "it is truncated: the header should be");
        assertMessage(fromStream, "PK\3\4 this is a zip, not weights".getBytes(StandardCharsets.ISO_8859_1),
                "is implausible: it is not a safetensors file");
        byte[] longer = Arrays.copyOf(good, good.length + 3);
        assertMessage(fromStream, longer, "it goes on after the 37076 bytes of tensor data its header describes");
        byte[] badJson = good.clone();
        badJson[8] = '[';
        assertMessage(fromStream, badJson, "its header is not valid JSON");

        // The weights of another network: the binary example's first conv has 8 filters, not 10.
        Path other = Path.of("examples/binary.cnn");
        Network binary = Frontend.compile(new SourceFile(other.toString(), Files.readString(other))).network().orElseThrow();
        float[][] zeros = new float[cnnc.model.Parameter.of(binary).size()][];
        for (int i = 0; i < zeros.length; i++) {
            zeros[i] = new float[cnnc.model.Parameter.of(binary).get(i).size()];
        }
        assertMessage(fromStream, ModelFiles.toBytes(binary, zeros),
                "tensor conv1.weight has shape [8, 1, 3, 3] but LabNetwork needs [10, 1, 3, 3]");
        // A tensor of the right shape stored as another dtype.
        String header = new String(good, 8, (int) ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                StandardCharsets.UTF_8);
        assertMessage(fromStream, withHeader(good, header.replaceFirst("\"F32\"", "\"F16\"")),
                "has dtype F16, not F32 (float32)");
        assertMessage(fromStream, withHeader(good, header.replace("dense2.bias", "dense2.b")),
                "it has no tensor dense2.bias (are these the weights of another network?)");
    }

    @Test
    void aCorruptEmbeddedResourceIsAnIllegalStateException() throws Exception {
        Path broken = dir.resolve("broken.jar");
        String resource = "com/example/digits/LabNetwork.safetensors";
        try (var in = new JarFile(jar.toFile()); var out = new JarOutputStream(Files.newOutputStream(broken))) {
            for (JarEntry entry : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(entry.getName().equals(resource) ? Arrays.copyOf(bytes, bytes.length / 2) : bytes);
                out.closeEntry();
            }
        }
        try (var brokenLoader = new URLClassLoader(new URL[] {broken.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> brokenType = brokenLoader.loadClass(CLASS);
            var e = thrown(IllegalStateException.class, () -> brokenType.getConstructor().newInstance());
            assertTrue(e.getMessage().startsWith("the weights packed with com.example.digits.LabNetwork cannot be loaded: "
                    + "cannot load the weights of LabNetwork from the resource LabNetwork.safetensors: it is truncated"),
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static float[] expectedOutput(int i) {
        int outputs = network.output().size();
        return Arrays.copyOfRange(expected, i * outputs, (i + 1) * outputs);
    }

    private static void assertMessage(Constructor<?> fromStream, byte[] bytes, String part) {
        var e = thrown(IOException.class, () -> fromStream.newInstance(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().startsWith("cannot load the weights of LabNetwork from the weights stream: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** The file with its JSON header replaced by one of the same length. */
    private static byte[] withHeader(byte[] file, String header) {
        byte[] out = file.clone();
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(h, (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
        Arrays.fill(padded, h.length, padded.length, (byte) ' ');
        System.arraycopy(padded, 0, out, 8, padded.length);
        return out;
    }

    private interface Call {
        Object run() throws Exception;
    }

    /** What a reflective call threw, unwrapped from InvocationTargetException. */
    private static <T extends Throwable> T thrown(Class<T> kind, Call call) {
        Throwable t = assertThrows(Throwable.class, call::run);
        if (t instanceof InvocationTargetException ite) {
            t = ite.getCause();
        }
        assertNotNull(t);
        if (!kind.isInstance(t)) {
            throw new AssertionError("expected " + kind.getSimpleName() + " but got " + t, t);
        }
        return kind.cast(t);
    }

    private static String read(JarFile file, String name) throws IOException {
        return new String(file.getInputStream(file.getEntry(name)).readAllBytes(), StandardCharsets.UTF_8);
    }

    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+);");

    /**
     * Every class a class file names: its CONSTANT_Class entries and the classes in its descriptors
     * and signatures (JVMS 4.4), as internal names ({@code java/lang/String}).
     */
    static Set<String> classReferences(byte[] classFile) {
        ByteBuffer in = ByteBuffer.wrap(classFile);
        in.position(8);
        int count = in.getShort() & 0xFFFF;
        String[] utf8 = new String[count];
        List<Integer> classNames = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.get() & 0xFF;
            switch (tag) {
                case 1 -> {
                    byte[] bytes = new byte[in.getShort() & 0xFFFF];
                    in.get(bytes);
                    utf8[i] = new String(bytes, StandardCharsets.UTF_8);
                }
                case 7 -> classNames.add(in.getShort() & 0xFFFF);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.position(in.position() + 4);
                case 5, 6 -> {
                    in.position(in.position() + 8);
                    i++;
                }
                case 8, 16, 19, 20 -> in.position(in.position() + 2);
                case 15 -> in.position(in.position() + 3);
                default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
            }
        }
        var names = new TreeSet<String>();
        for (int index : classNames) {
            String name = utf8[index];
            if (name.startsWith("[")) {
                Matcher m = DESCRIPTOR_CLASS.matcher(name);
                while (m.find()) {
                    names.add(m.group(1));
                }
            } else {
                names.add(name);
            }
        }
        for (String s : utf8) {
            if (s != null && (s.startsWith("(") || s.startsWith("L") || s.startsWith("["))) {
                Matcher m = DESCRIPTOR_CLASS.matcher(s);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertFalse(names.isEmpty());
        return names;
    }

    @Test
    void classReferencesFindsTheDependenciesOfAClass() throws IOException {
        try (InputStream in = Main.class.getResourceAsStream("Main.class")) {
            Set<String> used = classReferences(in.readAllBytes());
            assertTrue(used.contains("picocli/CommandLine"), used.toString());
            assertTrue(used.contains("java/io/PrintWriter"), used.toString());
        }
    }
}
