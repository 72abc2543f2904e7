package cnnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.diag.Diagnostic;
import cnnc.diag.DiagnosticPrinter;
import cnnc.diag.SourceFile;
import cnnc.diag.Span;
import cnnc.model.Layer;
import cnnc.model.Network;
import cnnc.report.Summary;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the input, the front end never throws, never hangs, and ends in exactly one of two
 * states: a network and no errors, or at least one error. Every diagnostic points inside the file.
 */
class FrontendProperties {
    /** Generous for inputs of a few hundred characters (a compile takes well under a millisecond). */
    private static final long TIMEOUT_SECONDS = 5;
    /** A fresh thread when one is stuck, so a hang fails its own try instead of every later one. */
    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "frontend-property");
        t.setDaemon(true);
        return t;
    });

    @Property(tries = 3000)
    void randomTokenSequences(@ForAll("tokenSoup") String text) {
        Statistics.collect(checkInvariants(text));
        // The soup must reach past the parser now and then, not only produce syntax errors.
        Statistics.coverage(c -> c.check("checker errors").percentage(p -> p > 2));
    }

    @Property(tries = 2000)
    void plausibleNetworks(@ForAll("networks") String text) {
        Statistics.collect(checkInvariants(text));
        // Both outcomes must be common, or the generator tests less than it seems to.
        Statistics.coverage(c -> {
            c.check("network").percentage(p -> p > 5);
            c.check("checker errors").percentage(p -> p > 5);
        });
    }

    @Property(tries = 2000)
    void randomBytes(@ForAll @Size(max = 400) byte[] bytes) {
        // As the CLI reads a file: UTF-8, malformed input replaced.
        checkInvariants(decode(bytes));
        // And every byte as a char of its own, so all control characters appear.
        checkInvariants(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    // ---- the invariants ------------------------------------------------------------------

    /** Checks every invariant and says how the compile ended: a network, syntax errors only, or checker errors. */
    static String checkInvariants(String text) {
        var source = new SourceFile("prop.cnn", text);
        Frontend.Result result = compileWithTimeout(source);

        boolean anyError = result.diagnostics().stream().anyMatch(Diagnostic::isError);
        if (result.network().isPresent()) {
            assertFalse(anyError, "a network despite errors");
            checkNetwork(result.network().get());
        } else {
            assertTrue(anyError, "no network and no error to say why: " + result.diagnostics());
        }
        assertEquals(result.network().isEmpty(), result.hasErrors());
        if (result.truncated()) {
            assertTrue(anyError);
        }

        List<String> lines = List.of(text.split("\r\n|\r|\n", -1));
        for (Diagnostic d : result.diagnostics()) {
            Span span = d.span();
            String where = d + " in " + show(text);
            assertTrue(span.line() >= 1 && span.line() <= lines.size(), "line outside the file: " + where);
            String line = lines.get(span.line() - 1);
            int lineLength = line.codePointCount(0, line.length());
            assertTrue(span.column() >= 1 && span.column() <= lineLength + 1, "column outside its line: " + where);
            assertTrue(span.start() >= 0 && span.start() <= text.length() && span.start() <= span.end(),
                    "offsets outside the file: " + where);
            if (span.start() < text.length() || text.isEmpty()) {
                assertEquals(lineAndColumn(text, span.start()), span.position(), "offset and line:col disagree: " + where);
            }
            assertFalse(d.message().isBlank());
        }
        String rendered = DiagnosticPrinter.renderAll(source, result.diagnostics(), result.truncated());
        assertTrue(rendered.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t'),
                "control characters in the rendered diagnostics: " + show(rendered));
        if (result.network().isPresent()) {
            return "network";
        }
        boolean syntaxOnly = result.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::message)
                .allMatch(m -> m.startsWith("unknown ") || m.startsWith("unexpected ") || m.startsWith("expected "));
        return syntaxOnly ? "syntax errors" : "checker errors";
    }

    private static void checkNetwork(Network n) {
        assertFalse(n.layers().isEmpty());
        for (Layer layer : n.layers()) {
            assertTrue(layer.out().size() > 0, layer.toString());
            assertTrue(layer.params() >= 0, layer.toString());
        }
        String table = Summary.render(n);
        assertTrue(table.contains("Total params: " + Summary.grouped(n.totalParams()) + "\n"), table);
    }

    private static Frontend.Result compileWithTimeout(SourceFile source) {
        Future<Frontend.Result> future = RUNNER.submit(() -> Frontend.compile(source));
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("compile took more than " + TIMEOUT_SECONDS + " s on " + show(source.text()));
        } catch (ExecutionException e) {
            throw new AssertionError("compile threw on " + show(source.text()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** line:column of a char offset, columns in code points as ANTLR counts them. */
    static String lineAndColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                line++;
                lineStart = i + 1;
            }
        }
        return line + ":" + (text.codePointCount(lineStart, offset) + 1);
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError(e);
        }
    }

    private static String show(String text) {
        var out = new StringBuilder("\"");
        text.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp >= 0x20 && cp < 0x7f) {
                out.appendCodePoint(cp);
            } else {
                out.append(String.format("\\u{%x}", cp));
            }
        });
        return out.append('"').toString();
    }

    // ---- generators ----------------------------------------------------------------------

    private static final List<String> KEYWORDS = List.of("input", "conv", "pool", "flatten", "dense", "dropout",
            "optimizer", "epochs", "batch", "seed", "stride", "pad", "same", "valid", "freeze", "l1", "l2", "max", "avg",
            "relu", "sigmoid", "tanh", "softmax", "linear", "sgd", "rmsprop", "adam", "lr", "momentum", "rho", "beta1",
            "beta2", "epsilon");

    @Provide
    Arbitrary<String> tokenSoup() {
        Arbitrary<String> token = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, Arbitraries.of(KEYWORDS)),
                net.jqwik.api.Tuple.of(5, misspelled()),
                net.jqwik.api.Tuple.of(20, number()),
                net.jqwik.api.Tuple.of(15, size()),
                net.jqwik.api.Tuple.of(15, Arbitraries.of("\n", ";", "\r\n", "\r", "\n\n")),
                net.jqwik.api.Tuple.of(4, comment()),
                net.jqwik.api.Tuple.of(6, junk()));
        Arbitrary<String> glue = Arbitraries.of(" ", " ", " ", "", "\t", "  ");
        return Combinators.combine(token.list().ofMaxSize(80), glue.list().ofMaxSize(80)).as((tokens, glues) -> {
            var out = new StringBuilder();
            for (int i = 0; i < tokens.size(); i++) {
                out.append(tokens.get(i)).append(glues.isEmpty() ? " " : glues.get(i % glues.size()));
            }
            return out.toString();
        });
    }

    /** An input line, then layers with small (sometimes bad) arguments: reaches the checker deeply. */
    @Provide
    Arbitrary<String> networks() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 12).edgeCases(c -> c.add(1));
        Arbitrary<String> input = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(1, 64), Arbitraries.integers().between(1, 64),
                        Arbitraries.integers().between(1, 4)).as((h, w, c) -> "input " + h + "x" + w + "x" + c),
                Arbitraries.integers().between(1, 2000).map(n -> "input " + n));
        Arbitrary<String> kernel = Combinators.combine(small, small).as((h, w) -> h + "x" + w);
        Arbitrary<String> activation = Arbitraries.of("", " relu", " sigmoid", " tanh", " linear", " softmax");
        Arbitrary<String> convOptions = Combinators.combine(
                Arbitraries.of("", " stride 1", " stride 2", " stride 3", " stride 0"),
                Arbitraries.of("", " pad same", " pad valid", " pad 1", " pad 2", " pad -1"),
                activation, Arbitraries.of("", " l2 0.0001", " l1 1e-5", " freeze")).as((a, b, c, d) -> a + b + c + d);
        Arbitrary<String> layer = Arbitraries.oneOf(
                Combinators.combine(small, kernel, convOptions).as((k, f, o) -> "conv " + k + " " + f + o),
                Combinators.combine(Arbitraries.of("", "max ", "avg "), kernel, Arbitraries.of("", " stride 1", " stride 2"))
                        .as((kind, f, s) -> "pool " + kind + f + s),
                Arbitraries.just("flatten"),
                Combinators.combine(Arbitraries.integers().between(0, 300), activation).as((n, a) -> "dense " + n + a),
                Arbitraries.of("dropout 0.5", "dropout 0", "dropout 1.0", "dropout 0.25"),
                Arbitraries.of("relu", "softmax", "sigmoid", "tanh"),
                Arbitraries.of("epochs 3", "batch 32", "seed 7", "optimizer adam lr 0.001", "optimizer sgd momentum 0.9"));
        Arbitrary<String> ending = Arbitraries.of("", "\nflatten\ndense 10 softmax", "\ndense 10 softmax", "\ndense 1 sigmoid");
        return Combinators.combine(input, layer.list().ofMaxSize(12), ending, Arbitraries.of("\n", "; "))
                .as((in, layers, end, sep) -> in + sep + String.join(sep, layers) + end + "\n");
    }

    private static Arbitrary<String> number() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 300).map(String::valueOf),
                Arbitraries.of("0", "1", "-1", "-5", "2147483647", "2147483648", "99999999999", "-99999999999",
                        "0.5", "1.0", "-0.1", "1e-4", "1E-4", ".5", "2.", "1e999", "1e-999", "10.5", "007",
                        "123456789012345678901234567890"),
                Arbitraries.longs().map(String::valueOf));
    }

    private static Arbitrary<String> size() {
        Arbitrary<String> part = Arbitraries.oneOf(Arbitraries.integers().between(0, 64).map(String::valueOf),
                Arbitraries.of("0", "1", "2147483647", "2147483648", "99999999999", "50000"));
        return part.list().ofMinSize(2).ofMaxSize(5).map(parts -> String.join(Math.random() < 0.9 ? "x" : "X", parts));
    }

    private static Arbitrary<String> misspelled() {
        return Arbitraries.of(KEYWORDS).flatMap(k -> Arbitraries.integers().between(0, k.length() - 1).flatMap(i ->
                Arbitraries.of(
                        k.substring(0, i) + k.substring(i + 1),
                        k.substring(0, i) + k.charAt(i) + k.substring(i),
                        k.toUpperCase(),
                        k + "_x",
                        i + 1 < k.length() ? k.substring(0, i) + k.charAt(i + 1) + k.charAt(i) + k.substring(i + 2) : k)));
    }

    private static Arbitrary<String> comment() {
        return Combinators.combine(Arbitraries.of("#", "//", "# expect: ", "/"), Arbitraries.strings().ofMaxLength(20))
                .as((start, body) -> start + body);
    }

    private static Arbitrary<String> junk() {
        return Arbitraries.oneOf(
                Arbitraries.of("@", "$", "-", ".", "x", "\u0000", "\u0007", "\u001b[31m", "\u00e9", "\ud83d\ude42", "\ufffd",
                        "\ud800", "\t", "\f", "'", "\"", "(", "=", "--", "1x", "x1", "3x", "-3x3", "1..2", "1e", "e5",
                        "_", "a".repeat(100)),
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12));
    }
}
