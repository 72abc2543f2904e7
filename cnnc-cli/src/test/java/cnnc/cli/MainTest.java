package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of DESIGN 1.2: 0 ok, 1 diagnostics, 2 usage or I/O; never a stack trace. */
class MainTest {
    @TempDir
    Path tmp;

    @Test
    void checkOnAGoodFileExitsZeroWithASummaryLine() {
        CliRun run = CliRun.of("check", "examples/mlp.cnn");
        assertEquals(0, run.exitCode(), run.transcript());
        assertEquals("examples/mlp.cnn: ok, 6 layers, 545,810 parameters\n", run.out());
        assertEquals("", run.err());
    }

    @Test
    void warningsAloneStillExitZeroAndAreCounted() {
        CliRun run = CliRun.of("check", "examples/lab.cnn");
        assertEquals(0, run.exitCode(), run.transcript());
        assertEquals("examples/lab.cnn: ok, 7 layers, 9,269 parameters, 1 warning\n", run.out());
        assertTrue(run.err().startsWith("examples/lab.cnn:7:1: warning: "), run.err());
    }

    @Test
    void diagnosticsExitOne() {
        CliRun run = CliRun.of("check", "examples/errors/dense-on-volume.cnn");
        assertEquals(1, run.exitCode(), run.transcript());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("examples/errors/dense-on-volume.cnn:4:1: error: "), run.err());
    }

    @Test
    void summaryOfABadFilePrintsDiagnosticsAndNoTable() {
        CliRun run = CliRun.of("summary", "examples/errors/softmax-not-last.cnn");
        assertEquals(1, run.exitCode(), run.transcript());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("examples/errors/softmax-not-last.cnn:2:1: error: softmax is allowed only"),
                run.err());
        assertNoStackTrace(run);
    }

    @Test
    void aMissingFileIsOneLineAndExitTwo() {
        for (String verb : List.of("check", "summary")) {
            CliRun run = CliRun.of(verb, "no/such/file.cnn");
            assertEquals(2, run.exitCode(), run.transcript());
            assertEquals("cnnc: cannot read no/such/file.cnn: no such file\n", run.err(), verb);
            assertEquals("", run.out());
        }
    }

    @Test
    void aDirectoryIsAnIoErrorNotACrash() {
        CliRun run = CliRun.of("check", tmp.toString());
        assertEquals(2, run.exitCode(), run.transcript());
        assertEquals("cnnc: " + tmp + " is a directory, not a .cnn file\n", run.err());
    }

    @Test
    void anEmptyFileIsReportedNotACrash() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.cnn"));
        CliRun run = CliRun.of("check", empty.toString());
        assertEquals(1, run.exitCode(), run.transcript());
        assertEquals(empty + ":1:1: error: the file describes no network\n"
                + "  help: start with `input 28x28x1` (height x width x channels), then the layers\n", run.err());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        CliRun run = CliRun.of("compile", "examples/lab.cnn");
        assertEquals(2, run.exitCode(), run.transcript());
        assertTrue(run.err().startsWith("cnnc: "), run.err());
        assertTrue(run.err().contains("'compile'"), run.err());
        assertNoStackTrace(run);
    }

    @Test
    void missingArgumentsAreUsageErrors() {
        for (String[] args : List.of(new String[] {}, new String[] {"check"}, new String[] {"summary"},
                new String[] {"summary", "examples/lab.cnn", "examples/mlp.cnn"}, new String[] {"check", "--bogus", "x.cnn"})) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + "\n" + run.transcript());
            assertTrue(run.err().startsWith("cnnc: "), run.err());
            assertTrue(run.err().contains("--help"), "points to --help: " + run.err());
            assertNoStackTrace(run);
        }
    }

    @Test
    void helpAndVersionExitZero() {
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("check") && help.out().contains("summary"), help.out());
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exitCode());
        assertEquals("cnnc " + Version.VERSION + "\n", version.out());
    }

    @Test
    void checkReportsEveryFileItIsGiven() {
        CliRun run = CliRun.of("check", "examples/lab.cnn", "examples/errors/input-twice.cnn", "examples/mlp.cnn",
                "examples/errors/missing-input.cnn");
        assertEquals(1, run.exitCode(), run.transcript());
        assertEquals("examples/lab.cnn: ok, 7 layers, 9,269 parameters, 1 warning\n"
                + "examples/mlp.cnn: ok, 6 layers, 545,810 parameters\n", run.out());
        assertTrue(run.err().contains("examples/lab.cnn:7:1: warning: "), run.err());
        assertTrue(run.err().contains("examples/errors/input-twice.cnn:2:1: error: "), run.err());
        assertTrue(run.err().contains("examples/errors/missing-input.cnn:1:1: error: "), run.err());
    }

    @Test
    void aMissingFileAmongSeveralDoesNotStopTheOthers() {
        CliRun run = CliRun.of("check", "examples/errors/input-twice.cnn", "missing.cnn", "examples/mlp.cnn");
        assertEquals(2, run.exitCode(), "the worst outcome wins: " + run.transcript());
        assertTrue(run.err().contains("examples/errors/input-twice.cnn:2:1: error: "), run.err());
        assertTrue(run.err().contains("cnnc: cannot read missing.cnn: no such file\n"), run.err());
        assertEquals("examples/mlp.cnn: ok, 6 layers, 545,810 parameters\n", run.out());
    }

    @Test
    void everyErrorExampleAtOnce() throws IOException {
        List<String> files;
        try (var list = Files.list(Path.of("examples/errors"))) {
            files = list.map(Path::toString).filter(p -> p.endsWith(".cnn")).sorted().toList();
        }
        var args = new java.util.ArrayList<String>();
        args.add("check");
        args.addAll(files);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, run.exitCode());
        for (String file : files) {
            assertTrue(run.err().contains(file + ":") || run.out().contains(file + ": ok"), file + " was reported");
        }
        assertNoStackTrace(run);
    }

    private static void assertNoStackTrace(CliRun run) {
        String all = run.out() + run.err();
        assertFalse(all.contains("Exception") || all.contains("\tat ") || all.contains("    at "), run.transcript());
    }
}
