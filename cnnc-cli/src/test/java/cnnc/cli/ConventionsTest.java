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

    @Test
    void evalAndPredictAsJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cnn = java.nio.file.Files.writeString(dir.resolve("tiny.cnn"), "input 28x28x1\nflatten\ndense 10 softmax\n");
        java.nio.file.Path out = dir.resolve("out");
        var train = TrainCommandTest.run("train", cnn.toString(), "--data", TrainCommandTest.slice().toString(), "--out",
                out.toString(), "--epochs", "1", "--threads", "1");
        assertEquals(0, train.code(), train.err());

        var eval = TrainCommandTest.run("eval", "--model", out.toString(), cnn.toString(), "--data",
                TrainCommandTest.slice().toString(), "--json", "--threads", "1");
        assertEquals(0, eval.code(), eval.err());
        Map<?, ?> report = (Map<?, ?>) Json.parse(eval.out().trim());
        List<?> confusion = (List<?>) report.get("confusion");
        assertEquals(10, confusion.size());
        long total = 0;
        for (Object row : confusion) {
            for (Object v : (List<?>) row) {
                total += Long.parseLong(v.toString());
            }
        }
        assertEquals(report.get("images").toString(), Long.toString(total));
        assertEquals(Boolean.FALSE, report.get("loss_includes_penalty"));

        java.nio.file.Path png = dir.resolve("digit.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
                "png", png.toFile());
        var predict = TrainCommandTest.run("predict", "--model", out.toString(), png.toString(), "missing.png", "--json");
        assertEquals(2, predict.code());
        String[] lines = predict.out().trim().split("\n");
        Map<?, ?> first = (Map<?, ?>) Json.parse(lines[0]);
        List<?> outputs = (List<?>) first.get("outputs");
        assertEquals(10, outputs.size());
        int best = 0;
        for (int i = 1; i < outputs.size(); i++) {
            best = Double.parseDouble(outputs.get(i).toString()) > Double.parseDouble(outputs.get(best).toString()) ? i : best;
        }
        assertEquals(Integer.toString(best), first.get("class"));
        assertTrue(((Map<?, ?>) Json.parse(lines[1])).get("error").toString().contains("missing.png"), lines[1]);
    }
}
