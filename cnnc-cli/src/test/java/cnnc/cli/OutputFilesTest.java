package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static cnnc.cli.TrainCommandTest.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where commands write: only regular files, never their own inputs, and --out checked before training. */
class OutputFilesTest {
    private static final String NET = "input 28x28x1\nflatten\ndense 10 softmax\n";

    @TempDir
    Path dir;

    private Path trained() throws Exception {
        Path cnn = Files.writeString(dir.resolve("net.cnn"), NET);
        Path out = dir.resolve("out");
        Run r = run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "1", "--limit", "100");
        assertEquals(0, r.code(), r.err());
        return out.resolve("model.safetensors");
    }

    @Test
    void buildNeverReplacesADevice() throws Exception {
        Path model = trained();
        Run r = run("build", dir.resolve("net.cnn").toString(), "--weights", model.toString(), "-o", "/dev/null");
        assertEquals(2, r.code());
        assertEquals("cnnc: cannot write /dev/null: it is not a regular file (a device, pipe or socket); cnnc writes only regular files\n",
                r.err());
        assertTrue(Files.exists(Path.of("/dev/null")) && !Files.isRegularFile(Path.of("/dev/null")));
    }

    @Test
    void buildRefusesToOverwriteItsWeightsOrItsSource() throws Exception {
        Path model = trained();
        Path cnn = dir.resolve("net.cnn");
        byte[] weights = Files.readAllBytes(model);
        Run overWeights = run("build", cnn.toString(), "--weights", model.toString(), "-o", model.toString());
        assertEquals(2, overWeights.code());
        assertTrue(overWeights.err().contains("-o " + model + " is the input " + model + "; writing it would destroy the input"),
                overWeights.err());
        assertArrayEquals(weights, Files.readAllBytes(model));
        Run overSource = run("build", cnn.toString(), "--weights", dir.resolve("out").toString(), "-o", cnn.toString());
        assertEquals(2, overSource.code());
        assertEquals(NET, Files.readString(cnn));
        // a link to an input is that input too
        Path link = Files.createSymbolicLink(dir.resolve("link.jar"), cnn);
        assertEquals(2, run("build", cnn.toString(), "--weights", model.toString(), "-o", link.toString()).code());
        assertEquals(NET, Files.readString(cnn));
    }

    @Test
    void generateRefusesToOverwriteItsSource() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/cnnc/generated"));
        Path cnn = Files.writeString(src.resolve("Net.java"), NET);
        Run r = run("generate", cnn.toString(), "-d", dir.resolve("src").toString(), "--class", "Net");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is the input"), r.err());
        assertEquals(NET, Files.readString(cnn));
    }

    @Test
    void anUnwritableOutIsReportedBeforeTraining() throws Exception {
        Path cnn = Files.writeString(dir.resolve("net.cnn"), NET);
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Run intoFile = run("train", cnn.toString(), "--data", slice().toString(), "--out", file.toString(), "--epochs", "1");
        assertEquals(2, intoFile.code());
        assertEquals("cnnc: --out " + file + " is a file, not a folder; give a folder for the results\n", intoFile.err());
        assertFalse(intoFile.out().contains("Epoch"), "no training before the check: " + intoFile.out());
        Run intoProc = run("train", cnn.toString(), "--data", slice().toString(), "--out", "/proc/cnnc-results", "--epochs", "1");
        assertEquals(2, intoProc.code());
        assertTrue(intoProc.err().startsWith("cnnc: cannot write into --out /proc/cnnc-results: "), intoProc.err());
        assertFalse(intoProc.out().contains("Epoch"), intoProc.out());
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectory(out.resolve("history.csv"));
        Run dirInTheWay = run("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(), "--epochs", "1");
        assertEquals(2, dirInTheWay.code());
        assertTrue(dirInTheWay.err().contains("history.csv: it is a directory"), dirInTheWay.err());
        assertFalse(dirInTheWay.out().contains("Epoch"), dirInTheWay.out());
    }

    @Test
    void writeErrorsSayTheReasonOnce() throws Exception {
        Path cnn = Files.writeString(dir.resolve("net.cnn"), NET);
        Files.writeString(dir.resolve("blocker"), "a file where a folder should be");
        Run r = run("generate", cnn.toString(), "-d", dir.resolve("blocker/src").toString());
        assertEquals(2, r.code());
        String target = dir.resolve("blocker/src/cnnc/generated/NetNetwork.java").toString();
        assertTrue(r.err().startsWith("cnnc: cannot write " + target + ": cannot create directory"), r.err());
        assertEquals(r.err().indexOf("cannot write"), r.err().lastIndexOf("cannot write"), r.err());
    }
}
