package cnnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every file in examples/errors through {@code cnnc check} and compares the diagnostics with
 * the expectations the file carries in its comments (see examples/errors/README.md).
 */
class ErrorFilesTest {
    static final Path DIR = Path.of("examples/errors");

    private static final Pattern EXPECT = Pattern.compile("(?:#|//)\\s*expect(-note|-help)?: (.*)$");
    private static final Pattern EXPECTED_DIAGNOSTIC = Pattern.compile("(\\d+):(\\d+): (error|warning): (.+)");
    private static final Pattern HEADER = Pattern.compile("^(.+?):(\\d+):(\\d+): (error|warning): (.*)$");

    /** A diagnostic as printed (or as expected): position, severity, message, notes and helps. */
    record Diag(int line, int column, String severity, String message, List<String> notes, List<String> helps) {
        String head() {
            return line + ":" + column + ": " + severity + ": " + message;
        }

        boolean sameHead(Diag other) {
            return head().equals(other.head());
        }
    }

    static Stream<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(DIR)) {
            return list.filter(p -> p.toString().endsWith(".cnn")).sorted().toList().stream();
        }
    }

    @Test
    void thereIsAFileForEachKindOfDiagnostic() throws IOException {
        assertTrue(files().count() >= 25, "examples/errors should hold at least 25 files");
        assertTrue(Files.isRegularFile(DIR.resolve("README.md")), "examples/errors/README.md explains the convention");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    @Timeout(20) // a hang is a bug too (a huge stride once meant billions of tries)
    void diagnosticsMatchTheExpectationsInTheFile(Path file) throws IOException {
        List<Diag> expected = expectations(file);
        assertFalse(expected.isEmpty(), file + " has no `# expect:` line");

        CliRun run = CliRun.of("check", file.toString());
        List<Diag> actual = parse(file.toString(), run);

        var missing = new ArrayList<String>();
        var unmatched = new ArrayList<>(actual);
        for (Diag want : expected) {
            Diag got = unmatched.stream().filter(want::sameHead).findFirst().orElse(null);
            if (got == null) {
                missing.add(want.head());
                continue;
            }
            unmatched.remove(got);
            for (String note : want.notes()) {
                if (!got.notes().contains(note)) {
                    missing.add(want.head() + "\n    with note: " + note);
                }
            }
            for (String help : want.helps()) {
                if (!got.helps().contains(help)) {
                    missing.add(want.head() + "\n    with help: " + help);
                }
            }
        }
        if (!missing.isEmpty() || !unmatched.isEmpty()) {
            fail("missing:\n  " + String.join("\n  ", missing) + "\nunexpected:\n  "
                    + String.join("\n  ", unmatched.stream().map(Diag::head).toList()) + "\n" + run.transcript());
        }

        boolean errors = expected.stream().anyMatch(d -> d.severity().equals("error"));
        assertEquals(errors ? 1 : 0, run.exitCode(), run.transcript());
        if (errors) {
            assertEquals("", run.out(), "nothing on stdout for a file with errors");
        } else {
            assertTrue(run.out().startsWith(file + ": ok, "), run.transcript());
        }
    }

    /** The expectations in a file's comments; notes and helps belong to the expect line above. */
    static List<Diag> expectations(Path file) throws IOException {
        var out = new ArrayList<Diag>();
        for (String line : decode(Files.readAllBytes(file)).split("\r\n|\r|\n")) {
            Matcher m = EXPECT.matcher(line);
            if (!m.find()) {
                continue;
            }
            String kind = m.group(1);
            String text = m.group(2);
            if (kind == null) {
                Matcher d = EXPECTED_DIAGNOSTIC.matcher(text);
                if (!d.matches()) {
                    throw new AssertionError(file + ": malformed expectation: " + line);
                }
                out.add(new Diag(Integer.parseInt(d.group(1)), Integer.parseInt(d.group(2)), d.group(3), d.group(4),
                        new ArrayList<>(), new ArrayList<>()));
            } else if (out.isEmpty()) {
                throw new AssertionError(file + ": `expect" + kind + "` before any `expect`: " + line);
            } else {
                Diag last = out.get(out.size() - 1);
                (kind.equals("-note") ? last.notes() : last.helps()).add(text);
            }
        }
        return out;
    }

    /** Reads the rendered diagnostics from stderr; any line that is not part of one fails the test. */
    static List<Diag> parse(String fileName, CliRun run) {
        var out = new ArrayList<Diag>();
        String[] lines = run.err().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() && i == lines.length - 1) {
                break;
            }
            Matcher m = HEADER.matcher(line);
            if (m.matches() && m.group(1).equals(fileName)) {
                out.add(new Diag(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4), m.group(5),
                        new ArrayList<>(), new ArrayList<>()));
            } else if (!out.isEmpty() && line.startsWith("  note: ")) {
                out.get(out.size() - 1).notes().add(line.substring("  note: ".length()));
            } else if (!out.isEmpty() && line.startsWith("  help: ")) {
                out.get(out.size() - 1).helps().add(line.substring("  help: ".length()));
            } else if (!out.isEmpty() && line.startsWith("    ")) {
                continue; // the source line and its caret; DiagnosticPrinterTest checks their layout
            } else {
                throw new AssertionError("unexpected line on stderr: " + line + "\n" + run.transcript());
            }
        }
        return out;
    }

    /** As the CLI reads files: UTF-8, malformed bytes replaced. */
    static String decode(byte[] bytes) throws IOException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
