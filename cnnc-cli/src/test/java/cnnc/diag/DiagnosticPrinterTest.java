package cnnc.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.Frontend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rendered form of DESIGN 1.3: header, indented source line, caret and tildes, notes, helps. */
class DiagnosticPrinterTest {

    @Test
    void fullRenderingThroughTheCommandLine() {
        CliRun run = CliRun.of("check", "examples/errors/pool-window-too-large.cnn");
        assertEquals(1, run.exitCode());
        assertEquals("""
                examples/errors/pool-window-too-large.cnn:4:1: error: `pool 3x3` does not fit the 2x2x5 input
                    pool 3x3
                    ^~~~~~~~
                  note: the input comes from `conv 5 3x3` at 3:1 (4x4x10 -> 2x2x5)
                  help: use a window of at most 2x2, or remove this pool
                """, run.err());
    }

    @Test
    void caretStartsAtTheColumnAndTildesCoverTheSpan() {
        var source = new SourceFile("a.cnn", "input 28x28x1\nconv 10 3x3 stride 1 stride 1\n");
        int start = source.text().indexOf("stride 1 stride") + "stride 1 ".length();
        var d = Diagnostic.error(new Span(start, start + 8, 2, 22), "`conv` has `stride` twice")
                .withNote("first given at 2:13 as `stride 1`")
                .withHelp("remove one of them");
        assertEquals("""
                a.cnn:2:22: error: `conv` has `stride` twice
                    conv 10 3x3 stride 1 stride 1
                                         ^~~~~~~~
                  note: first given at 2:13 as `stride 1`
                  help: remove one of them
                """, DiagnosticPrinter.render(source, d));
    }

    @Test
    void notesComeBeforeHelpsEachInTheOrderGiven() {
        var source = new SourceFile("a.cnn", "dense 10\n");
        var d = Diagnostic.warning(new Span(0, 5, 1, 1), "m").withHelp("h1").withNote("n1").withHelp("h2").withNote("n2");
        assertEquals("""
                a.cnn:1:1: warning: m
                    dense 10
                    ^~~~~
                  note: n1
                  note: n2
                  help: h1
                  help: h2
                """, DiagnosticPrinter.render(source, d));
    }

    @Test
    void tabsAreKeptSoTheCaretLinesUp() {
        var source = new SourceFile("t.cnn", "\t\tpool 3x3\n");
        var d = Diagnostic.error(new Span(2, 10, 1, 3), "m");
        assertEquals("t.cnn:1:3: error: m\n    \t\tpool 3x3\n    \t\t^~~~~~~~\n", DiagnosticPrinter.render(source, d));
    }

    @Test
    void aSpanPastTheEndOfTheLineIsClippedToIt() {
        var source = new SourceFile("s.cnn", "conv 10 3x3\nflatten\n");
        var d = Diagnostic.error(new Span(5, 20, 1, 6), "m");
        assertEquals("s.cnn:1:6: error: m\n    conv 10 3x3\n         ^~~~~~\n", DiagnosticPrinter.render(source, d));
    }

    @Test
    void anEmptySpanStillGetsOneCaret() {
        var source = new SourceFile("e.cnn", "conv 10 3x3 stride\n");
        var d = Diagnostic.error(new Span(18, 18, 1, 19), "expected a number after `stride`");
        assertEquals("e.cnn:1:19: error: expected a number after `stride`\n    conv 10 3x3 stride\n"
                + "                      ^\n", DiagnosticPrinter.render(source, d));
    }

    @Test
    void aBlankLineIsNotShown() {
        var source = new SourceFile("b.cnn", "");
        var d = Diagnostic.error(new Span(0, 1, 1, 1), "the file describes no network").withHelp("start with `input`");
        assertEquals("b.cnn:1:1: error: the file describes no network\n  help: start with `input`\n",
                DiagnosticPrinter.render(source, d));
    }

    @Test
    void controlCharactersArePrintedAsQuestionMarks() {
        var source = new SourceFile("g.cnn", "ab\u0001\u001b[31mc\n");
        var d = Diagnostic.error(new Span(3, 4, 1, 4), "unexpected character U+001B");
        String rendered = DiagnosticPrinter.render(source, d);
        assertEquals("g.cnn:1:4: error: unexpected character U+001B\n    ab??[31mc\n       ^\n", rendered);
        assertTrue(rendered.chars().noneMatch(c -> c < 0x20 && c != '\n'), "no control characters reach the terminal");
    }

    @Test
    void controlCharactersQuotedInMessagesAndNotesAreMaskedToo() {
        var source = new SourceFile("q.cnn", "dense 10\n");
        var d = Diagnostic.error(new Span(0, 5, 1, 1), "bad `\u0000x`").withNote("from `\u001b[2J`").withHelp("\u0007");
        assertEquals("q.cnn:1:1: error: bad `?x`\n    dense 10\n    ^~~~~\n  note: from `?[2J`\n  help: ?\n",
                DiagnosticPrinter.render(source, d));
    }

    @Test
    void crLfAndLoneCrLineBreaksPickTheRightLine() {
        var crlf = new SourceFile("w.cnn", "input 784\r\ndense 10\r\n");
        assertEquals("w.cnn:2:1: error: m\n    dense 10\n    ^~~~~\n",
                DiagnosticPrinter.render(crlf, Diagnostic.error(new Span(11, 16, 2, 1), "m")));
        var cr = new SourceFile("m.cnn", "input 784\rdense 10\r");
        assertEquals("m.cnn:2:1: error: m\n    dense 10\n    ^~~~~\n",
                DiagnosticPrinter.render(cr, Diagnostic.error(new Span(10, 15, 2, 1), "m")));
    }

    @Test
    void tooManyErrorsEndWithOneSummaryLine() {
        var text = new StringBuilder("input 28x28x1\n");
        for (int i = 0; i < 80; i++) {
            text.append("@\n");
        }
        Frontend.Result result = Frontend.compile(new SourceFile("many.cnn", text.toString()));
        assertTrue(result.truncated());
        assertEquals(Diagnostics.MAX_ERRORS, result.diagnostics().size());
        String all = DiagnosticPrinter.renderAll(result.source(), result.diagnostics(), result.truncated());
        List<String> lines = all.lines().toList();
        assertEquals("many.cnn: error: too many errors (50 shown); fix these first", lines.get(lines.size() - 1));
        assertEquals(Diagnostics.MAX_ERRORS, lines.stream().filter(l -> l.startsWith("many.cnn:")).count() - 1);
    }

    @Test
    void diagnosticsComeOutInSourceOrder() {
        var diagnostics = new Diagnostics();
        diagnostics.error(new Span(20, 21, 3, 1), "third");
        diagnostics.warning(new Span(5, 6, 1, 6), "second");
        diagnostics.error(new Span(0, 1, 1, 1), "first");
        assertEquals(List.of("first", "second", "third"), diagnostics.sorted().stream().map(Diagnostic::message).toList());
        assertEquals(2, diagnostics.errorCount());
    }
}
