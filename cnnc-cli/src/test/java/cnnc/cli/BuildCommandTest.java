package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc build}: what it writes and says, and exit code 2 or 1 (never a stack trace) for mistakes. */
class BuildCommandTest {
    private static final String LAB = "examples/lab.cnn";

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private Path weights(String name, String text) throws IOException {
        return RandomModels.save(dir, name, text);
    }

    private Path labWeights() throws IOException {
        return weights(LAB, Files.readString(Path.of(LAB)));
    }

    @Test
    void buildsWithDefaultNamesAndSaysHowToInstall() throws IOException {
        Path jar = dir.resolve("lab.jar");
        Run r = run("build", LAB, "--weights", labWeights().toString(), "-o", jar.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Wrote " + jar + " ("), r.out());
        assertTrue(r.out().contains("cnnc.generated.LabNetwork"), r.out());
        assertTrue(r.out().contains("Maven coordinates cnnc.generated:lab-network:1.0.0"), r.out());
        assertTrue(r.out().contains("mvn org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file -Dfile=" + jar), r.out());
        assertFalse(r.err().contains("warning: " + dir), r.err());
        try (var file = new JarFile(jar.toFile())) {
            assertTrue(file.getEntry("cnnc/generated/LabNetwork.class") != null);
            assertTrue(file.getEntry("META-INF/maven/cnnc.generated/lab-network/pom.xml") != null);
        }
    }

    @Test
    void packageClassAndVersionNameTheClassAndTheCoordinates() throws IOException {
        // Weights trained from another text of the network: fine if the shapes fit, but worth a warning.
        Path model = weights("elsewhere/lab.cnn", Files.readString(Path.of(LAB)).replace("relu\npool", "tanh\npool"));
        Path jar = dir.resolve("out/digits.jar");
        Run r = run("build", LAB, "--weights", model.toString(), "-o", jar.toString(), "--package", "org.acme.ml",
                "--class", "DigitReader", "--artifact-version", "2.0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("org.acme.ml.DigitReader"), r.out());
        assertTrue(r.out().contains("Maven coordinates org.acme.ml:digit-reader:2.0.1"), r.out());
        assertTrue(r.err().contains("cnnc: warning: " + model + " was trained from a different text than " + LAB), r.err());
        try (var file = new JarFile(jar.toFile())) {
            assertTrue(file.getEntry("org/acme/ml/DigitReader.class") != null);
            assertTrue(file.getEntry("org/acme/ml/DigitReader.safetensors") != null);
            assertTrue(file.getEntry("org/acme/ml/DigitReader.java") != null);
            assertTrue(file.getEntry("META-INF/maven/org.acme.ml/digit-reader/pom.properties") != null);
        }
    }

    @Test
    void helpDescribesTheOptions() {
        Run r = run("build", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: cnnc build"), r.out());
        for (String option : List.of("--weights=MODEL", "--output=OUT.jar", "--package=P", "--class=C", "--artifact-version=V")) {
            assertTrue(r.out().contains(option), option + " in " + r.out());
        }
    }

    @Test
    void badNamesAreUsageErrors() throws IOException {
        String model = labWeights().toString();
        String jar = dir.resolve("x.jar").toString();
        Run r = run("build", LAB, "--weights", model, "-o", jar, "--class", "9Lives");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--class 9Lives is not a Java class name"), r.err());
        r = run("build", LAB, "--weights", model, "-o", jar, "--class", "Math");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--class Math would hide java.lang.Math, which generated code uses"), r.err());
        r = run("build", LAB, "--weights", model, "-o", jar, "--class", "ForwardPass");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("the class cannot be called ForwardPass: that is the name of one of its nested classes"),
                r.err());
        r = run("build", LAB, "--weights", model, "-o", jar, "--package", "com.example.class");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--package com.example.class is not a Java package name"), r.err());
        r = run("build", LAB, "--weights", model, "-o", jar, "--package", "java.digits");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--package java.digits is reserved for the JDK"), r.err());
        r = run("build", LAB, "--weights", model, "-o", jar, "--package", "");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cannot import a class of the unnamed package"), r.err());
        r = run("build", LAB, "--weights", model, "-o", jar, "--artifact-version", "1.0 final");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\"1.0 final\" is not a valid Maven version"), r.err());
        assertFalse(Files.exists(Path.of(jar)));
    }

    @Test
    void missingOrMismatchedWeightsAreIoErrorsThatSayWhatIsWrong() throws IOException {
        String jar = dir.resolve("x.jar").toString();
        Run r = run("build", LAB, "--weights", dir.resolve("nope.safetensors").toString(), "-o", jar);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.safetensors: no such file"), r.err());
        Path binary = weights("examples/binary.cnn", Files.readString(Path.of("examples/binary.cnn")));
        r = run("build", LAB, "--weights", binary.toString(), "-o", jar);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("conv1.weight has shape [8, 1, 3, 3] but " + LAB + " needs [10, 1, 3, 3]"), r.err());
        r = run("build", LAB, "-o", jar);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required option: '--weights=MODEL'"), r.err());
        assertFalse(Files.exists(Path.of(jar)));
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aWrongNetworkIsAnInputErrorAndADirectoryIsNoJar() throws IOException {
        String model = labWeights().toString();
        Path bad = dir.resolve("bad.cnn");
        Files.writeString(bad, "input 28x28x1\npool 30x30\nflatten\ndense 10 softmax\n");
        Run r = run("build", bad.toString(), "--weights", model, "-o", dir.resolve("x.jar").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.cnn:2:1: error:"), r.err());
        r = run("build", LAB, "--weights", model, "-o", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is a directory; give the jar's file name"), r.err());
    }
}
