package cnnc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.Frontend;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.model.Layer;
import cnnc.model.Network;
import cnnc.report.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 10,000-layer file checks correctly (LargeFileCheck measures how fast; nothing here is timed). */
class LargeFileTest {
    private static final int LAYERS = 10_000;

    @Test
    void tenThousandLayersCheckClean() {
        Frontend.Result result = Frontend.compile(new SourceFile("large.cnn", LargeFile.network(LAYERS)));
        assertEquals(java.util.List.of(), result.diagnostics());
        Network n = result.network().orElseThrow();
        assertEquals(LAYERS, n.layers().size());
        assertEquals(LargeFile.params(LAYERS), n.totalParams());
        assertEquals("conv4999", n.layers().get(LAYERS - 4).name(), "kinds are numbered on their own");
        assertEquals("dropout4999", n.layers().get(LAYERS - 3).name());
        Layer last = n.layers().get(LAYERS - 1);
        assertEquals(LAYERS + 2, last.span().line(), "a comment and the input, then one layer per line");
        assertTrue(Summary.render(n).contains("Total params: " + Summary.grouped(LargeFile.params(LAYERS)) + "\n"));
    }

    @Test
    void checkThroughTheCommandLine(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("large.cnn");
        Files.writeString(file, LargeFile.network(LAYERS));
        CliRun run = CliRun.of("check", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(file + ": ok, 10,000 layers, " + Summary.grouped(LargeFile.params(LAYERS)) + " parameters\n", run.out());
    }

    @Test
    void anErrorNearTheEndOfALargeFileIsFoundOnItsLine() {
        String text = LargeFile.network(LAYERS).replace("flatten\n", "flatten\ndense 10 relu sofmax\n");
        Frontend.Result result = Frontend.compile(new SourceFile("large.cnn", text));
        assertEquals(1, result.diagnostics().size(), result.diagnostics().toString());
        assertEquals((LAYERS + 2) + ":15", result.diagnostics().get(0).span().position());
        assertEquals("unknown word `sofmax`", result.diagnostics().get(0).message());
    }

    @Test
    void tenThousandBadLinesStopAtTheErrorLimit() {
        String text = "input 28x28x1\n" + "conv 0 3x3\n".repeat(LAYERS) + "flatten\ndense 10 softmax\n";
        Frontend.Result result = Frontend.compile(new SourceFile("bad.cnn", text));
        assertTrue(result.truncated());
        assertEquals(Diagnostics.MAX_ERRORS, result.diagnostics().size());
        assertEquals("2:6", result.diagnostics().get(0).span().position());
    }
}
