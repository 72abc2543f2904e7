package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --package and --class: names javac or the JVM would refuse are usage errors before any work. */
class NamesTest {
    @TempDir
    Path dir;

    private Run generate(String... options) {
        String[] args = new String[3 + options.length];
        args[0] = "generate";
        args[1] = "examples/lab.cnn";
        args[2] = "-d" + dir;
        System.arraycopy(options, 0, args, 3, options.length);
        return run(args);
    }

    private void assertRefused(Run r, String expected) throws Exception {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        try (var files = Files.walk(dir)) {
            assertEquals(1, files.count(), "generate wrote nothing");
        }
    }

    @Test
    void packagesOwnedByJdkModulesAreRefused() throws Exception {
        for (String[] owned : new String[][] {{"javax.swing", "java.desktop"}, {"javax.net", "java.base"},
                {"sun.misc", "jdk.unsupported"}, {"org.w3c.dom", "java.xml"}, {"jdk.jfr", "jdk.jfr"},
                {"com.sun.net.httpserver", "jdk.httpserver"}, {"jdk.internal", "java.base"}}) {
            assertRefused(generate("--package", owned[0]), "--package " + owned[0] + " belongs to the JDK's module " + owned[1]
                    + ", so a class put there would never load");
        }
        assertRefused(generate("--package", "java.util"), "is reserved for the JDK");
    }

    @Test
    void restrictedIdentifiersAreNoClassNames() throws Exception {
        for (String name : new String[] {"var", "record", "yield", "sealed", "permits", "class", "_"}) {
            assertRefused(generate("--class", name), "--class " + name + " is not a Java class name");
        }
    }

    @Test
    void namesLongerThanFilesAndClassFilesTakeAreRefused() throws Exception {
        assertRefused(generate("--package", "a".repeat(70_000)), "--package is 70,000 characters long");
        assertRefused(generate("--package", "com." + "b".repeat(300)), "--package has a part of 300 characters");
        assertRefused(generate("--class", "C".repeat(201)), "--class is 201 characters long");
    }

    @Test
    void buildRefusesTheSameNames() {
        Run r = run("build", "examples/lab.cnn", "--weights", dir.resolve("none.safetensors").toString(), "-o",
                dir.resolve("x.jar").toString(), "--package", "javax.swing");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("belongs to the JDK's module java.desktop"), r.err());
        Run c = run("build", "examples/lab.cnn", "--weights", dir.resolve("none.safetensors").toString(), "-o",
                dir.resolve("x.jar").toString(), "--class", "record");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("--class record is not a Java class name"), c.err());
    }

    @Test
    void aSubpackageNoModuleOwnsIsFine() {
        Run r = generate("--package", "javax.swing.mine", "--class", "Digits");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("javax/swing/mine/Digits.java")));
    }
}
