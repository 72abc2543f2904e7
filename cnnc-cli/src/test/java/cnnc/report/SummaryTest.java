package cnnc.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `cnnc summary` against the numbers DESIGN 1.4 promises and the published parameter counts. */
class SummaryTest {
    /** A table row: name (type), output shape, params, MACs, activations. */
    private static final Pattern ROW = Pattern.compile("^(\\w+) \\(([^)]*)\\)\\s+(\\S+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+.*$");

    @Test
    void labSummaryMatchesTheGoldenFileExactly() throws IOException {
        CliRun run = CliRun.of("summary", "examples/lab.cnn");
        assertEquals(0, run.exitCode(), run.transcript());
        assertEquals(golden("golden/lab.summary.txt"), run.out(), "summary of examples/lab.cnn");
    }

    @Test
    void labRowsHaveTheCourseShapesAndParameterCounts() {
        CliRun run = CliRun.of("summary", "examples/lab.cnn");
        List<String[]> rows = rows(run.out());
        assertEquals(List.of("26x26x10", "13x13x10", "11x11x5", "5x5x5", "125", "64", "10"),
                rows.stream().map(r -> r[2]).toList(), run.out());
        assertEquals(List.of("100", "0", "455", "0", "0", "8,064", "650"),
                rows.stream().map(r -> r[3]).toList(), run.out());
        assertEquals(List.of("conv1", "pool1", "conv2", "pool2", "flatten1", "dense1", "dense2"),
                rows.stream().map(r -> r[0]).toList(), run.out());
        assertTrue(run.out().lines().anyMatch("Total params: 9,269"::equals), run.out());
        assertTrue(run.out().lines().anyMatch("Trainable params: 9,269"::equals), run.out());
        assertTrue(run.out().lines().anyMatch("Non-trainable params: 0"::equals), run.out());
    }

    @Test
    void labWarningGoesToStderrNotIntoTheTable() {
        CliRun run = CliRun.of("summary", "examples/lab.cnn");
        assertTrue(run.err().startsWith("examples/lab.cnn:7:1: warning: `pool 2x2` leaves out the last row and column"
                + " of the 11x11x5 input\n"), run.transcript());
        assertTrue(!run.out().contains("warning"), run.out());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            examples/lenet5.cnn  | 61,706      | 8
            examples/alexnet.cnn | 62,378,344  | 14
            examples/vgg16.cnn   | 138,357,544 | 24
            examples/mlp.cnn     | 545,810     | 6
            examples/binary.cnn  | 43,409      | 5
            """)
    void publishedParameterTotals(String file, String total, int layers) {
        CliRun run = CliRun.of("summary", file);
        assertEquals(0, run.exitCode(), run.transcript());
        assertTrue(run.out().lines().anyMatch(("Total params: " + total)::equals), run.out());
        assertTrue(run.out().lines().anyMatch(("Trainable params: " + total)::equals), run.out());
        List<String[]> rows = rows(run.out());
        assertEquals(layers, rows.size(), run.out());
        long sum = rows.stream().mapToLong(r -> Long.parseLong(r[3].replace(",", ""))).sum();
        assertEquals(Long.parseLong(total.replace(",", "")), sum, "the rows add up to the total");
    }

    @Test
    void lenetRowsFollowTheClassicArchitecture() {
        List<String[]> rows = rows(CliRun.of("summary", "examples/lenet5.cnn").out());
        assertEquals(List.of("28x28x6", "14x14x6", "10x10x16", "5x5x16", "400", "120", "84", "10"),
                rows.stream().map(r -> r[2]).toList());
        assertEquals("AvgPool 2x2", rows.get(1)[1]);
    }

    @Test
    void frozenLayersCountAsNonTrainable() throws IOException {
        var file = java.nio.file.Files.createTempFile("frozen", ".cnn");
        try {
            java.nio.file.Files.writeString(file, "input 28x28x1\nconv 10 3x3 relu freeze\npool 2x2\nflatten\n"
                    + "dense 10 softmax\n");
            CliRun run = CliRun.of("summary", file.toString());
            assertEquals(0, run.exitCode(), run.transcript());
            assertTrue(run.out().contains("\nTotal params: 17,010\n"), run.out());
            assertTrue(run.out().contains("\nTrainable params: 16,910\n"), run.out());
            assertTrue(run.out().contains("\nNon-trainable params: 100\n"), run.out());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void groupingAndByteSizes() {
        assertEquals("0", Summary.grouped(0));
        assertEquals("9,269", Summary.grouped(9269));
        assertEquals("138,357,544", Summary.grouped(138_357_544));
        assertEquals("500 B", Summary.bytes(500));
        assertEquals("36.21 KB", Summary.bytes(4 * 9269));
        assertEquals("1.00 MB", Summary.bytes(1 << 20));
    }

    private static List<String[]> rows(String table) {
        var rows = new ArrayList<String[]>();
        for (String line : table.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches() && !line.startsWith("Layer (type)")) {
                rows.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)});
            }
        }
        return rows;
    }

    private static String golden(String resource) throws IOException {
        try (InputStream in = SummaryTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
