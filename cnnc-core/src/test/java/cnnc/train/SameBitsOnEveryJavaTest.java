package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import cnnc.codegen.Backend;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.Precision;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A seed and a thread count give the same trained bits whether or not C2 has compiled the
 * vector code, and on every Java. The Vector API leaves the order of a lane sum
 * ({@code reduceLanes(ADD)}) open: Java 17 adds the lanes in order either way, but Java 25's C2
 * adds them in another order than its interpreter, so a run's bits would depend on when each
 * method was compiled. The generated code adds lanes itself, in order.
 */
class SameBitsOnEveryJavaTest {
    private static final Pattern ORDER_LEFT_OPEN = Pattern.compile("\\.reduceLanes\\([^)]*VectorOperators\\.(ADD|MUL)\\b");

    @Test
    void noGeneratedVectorCodeLeavesTheOrderOfALaneSumOpen() throws IOException {
        int classes = 0;
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".cnn")).sorted().toList()) {
                var network = TrainingFixtures.network(Files.readString(file));
                for (Precision p : Precision.values()) {
                    String code = JavaGenerator.generate(network, JavaGenerator.DEFAULT_PACKAGE, null, p, Backend.VECTOR).code();
                    var matcher = ORDER_LEFT_OPEN.matcher(code);
                    assertFalse(matcher.find(), () -> file + " (" + p + "): " + matcher.group());
                    classes++;
                }
            }
        }
        assertTrue(classes >= 10, "too few classes looked at: " + classes);
    }

    /** This JVM's hashes, which both comparisons below take: training the networks once is enough. */
    private static List<String> here;

    private static synchronized List<String> here() throws Exception {
        if (here == null) {
            here = VectorRunProbe.run();
        }
        return here;
    }

    @Test
    void compiledOrNotTheVectorCodeTrainsToTheSameBits() throws Exception {
        // at C1's tier no Vector API call is compiled as vector instructions: all of them run as Java code
        assertEquals(here(), probe(currentJava(), "-XX:TieredStopAtLevel=1"));
    }

    /** Every other Java 17 or newer installed beside this one (/usr/lib/jvm), or named in CNNC_TEST_JAVAS. */
    @Test
    void everyJavaHereTrainsToTheSameBits() throws Exception {
        List<Path> others = otherJavas();
        assumeFalse(others.isEmpty(), "no other Java here");
        for (Path java : others) {
            assertEquals(here(), probe(java), java.toString());
        }
    }

    private static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static List<String> probe(Path java, String... options) throws Exception {
        var command = new ArrayList<>(List.of(java.toString(), "-Xss4m", "--add-modules", "jdk.incubator.vector"));
        // the same vector length as this JVM's (the build runs these tests again on 256-bit vectors)
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("-XX:MaxVectorSize=") || argument.startsWith("-XX:UseAVX="))
                .forEach(command::add);
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), VectorRunProbe.class.getName()));
        Path log = Files.createTempFile("probe", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the probe did not finish on " + java);
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.startsWith("WARNING:")).toList();
            assertEquals(0, process.exitValue(), java + " " + options.length + ": " + String.join("\n", lines));
            return lines;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static List<Path> otherJavas() throws IOException {
        String named = System.getenv("CNNC_TEST_JAVAS");
        var candidates = new ArrayList<Path>();
        if (named != null && !named.isBlank()) {
            for (String home : named.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(home));
            }
        } else if (Files.isDirectory(Path.of("/usr/lib/jvm"))) {
            try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
                candidates.addAll(homes.sorted().toList());
            }
        }
        Path self = Path.of(System.getProperty("java.home")).toRealPath();
        var javas = new ArrayList<Path>();
        var seen = new ArrayList<Path>(List.of(self));
        for (Path home : candidates) {
            Path java = home.resolve("bin").resolve("java");
            if (!Files.isExecutable(java) || seen.contains(home.toRealPath()) || featureVersion(home) < 17
                    || !hasVectorModule(java)) {
                continue;
            }
            seen.add(home.toRealPath());
            javas.add(java);
        }
        return javas;
    }

    /** Whether that Java's runtime holds the incubating Vector API (a runtime made with jlink may not). */
    private static boolean hasVectorModule(Path java) throws IOException {
        Process process = new ProcessBuilder(java.toString(), "--list-modules").redirectErrorStream(true).start();
        String modules = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return process.waitFor() == 0 && modules.contains("jdk.incubator.vector@");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The feature version in the home's release file (JAVA_VERSION="25.0.3"), or 0. */
    private static int featureVersion(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
            var m = Pattern.compile("^JAVA_VERSION=\"(\\d+)").matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }
}
