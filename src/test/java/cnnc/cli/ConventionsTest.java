package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.io.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line by picocli's conventions: help, suggestions, completion, and --json for scripts. */
class ConventionsTest {

    @Test
    void helpPrintsTheUsageOfACommandOrOfAll() {
        CliRun all = CliRun.of("help");
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("train") && all.out().contains("generate-completion"), all.out());
        CliRun train = CliRun.of("help", "train");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().startsWith("Usage: cnnc train"), train.out());
        assertTrue(train.out().contains("one of scalar, vector"), train.out());
    }

    @Test
    void aMistypedCommandOrOptionGetsASuggestion() {
        CliRun command = CliRun.of("tran", "examples/lab.cnn");
        assertEquals(2, command.exitCode());
        assertTrue(command.err().contains("Did you mean: cnnc train"), command.err());
        CliRun option = CliRun.of("summary", "examples/lab.cnn", "--jsn");
        assertEquals(2, option.exitCode());
        assertTrue(option.err().contains("--json"), option.err());
    }

    @Test
    void completionIsABashScriptForEveryCommand() {
        CliRun completion = CliRun.of("generate-completion");
        assertEquals(0, completion.exitCode(), completion.err());
        assertTrue(completion.out().contains("complete -F") && completion.out().contains("build"), completion.out());
        assertTrue(completion.out().contains("(\"scalar\" \"vector\") # --backend values"), completion.out());
    }

    @Test
    void buildTakesTheArtifactVersionAndVersionIsCnncs() {
        CliRun version = CliRun.of("build", "--version");
        assertEquals(0, version.exitCode(), version.err());
        assertTrue(version.out().startsWith("cnnc "), version.out());
    }

    @Test
    void summaryAsJsonHasTheTablesFigures() throws Exception {
        CliRun r = CliRun.of("summary", "examples/lab.cnn", "--json");
        assertEquals(0, r.exitCode(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) Json.parse(r.out().trim());
        assertEquals("9269", summary.get("total_params").toString());
        List<?> layers = (List<?>) summary.get("layers");
        assertEquals(7, layers.size());
        assertEquals("100", ((Map<?, ?>) layers.get(0)).get("params").toString());
        assertEquals("26x26x10", ((Map<?, ?>) layers.get(0)).get("output"));
    }

    @Test
    void checkAsJsonGivesEachFilesDiagnosticsAndTheExitCode() throws Exception {
        CliRun r = CliRun.of("check", "--json", "examples/lab.cnn", "examples/errors/dense-on-volume.cnn", "no-such.cnn");
        assertEquals(2, r.exitCode());
        assertEquals("", r.err());
        String[] lines = r.out().trim().split("\n");
        assertEquals(3, lines.length, r.out());
        Map<?, ?> ok = (Map<?, ?>) Json.parse(lines[0]);
        assertEquals(Boolean.TRUE, ok.get("ok"));
        assertEquals("9269", ok.get("parameters").toString());
        Map<?, ?> bad = (Map<?, ?>) Json.parse(lines[1]);
        assertEquals(Boolean.FALSE, bad.get("ok"));
        Map<?, ?> error = (Map<?, ?>) ((List<?>) bad.get("diagnostics")).get(0);
        assertEquals("error", error.get("severity"));
        assertEquals("4", error.get("line").toString());
        assertEquals(List.of("add `flatten` before `dense`"), error.get("help"));
        assertTrue(((Map<?, ?>) Json.parse(lines[2])).get("error").toString().contains("no such file"), lines[2]);
    }
}
