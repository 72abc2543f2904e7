package cnnc.bench;

import cnnc.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Measures {@code cnnc check} on a generated file of 10,000 layers (a program, not a test: timings
 * on a shared machine make poor assertions). Run after {@code mvn package}:
 *
 * <pre>java -cp target/cnnc.jar:target/test-classes cnnc.bench.LargeFileCheck [LAYERS] [RUNS]</pre>
 *
 * The first run includes class loading and ANTLR's ATN deserialization; the later ones show
 * the warmed-up cost.
 */
public final class LargeFileCheck {
    private LargeFileCheck() {}

    public static void main(String[] args) throws IOException {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path file = Files.createTempFile("large", ".cnn");
        try {
            Files.writeString(file, LargeFile.network(layers));
            System.out.printf("%s: %,d layers, %,d bytes%n", file, layers, Files.size(file));
            double[] millis = new double[runs];
            String last = "";
            for (int i = 0; i < runs; i++) {
                var out = new StringWriter();
                var err = new StringWriter();
                long start = System.nanoTime();
                int code = Main.run(new String[] {"check", file.toString()}, new PrintWriter(out), new PrintWriter(err));
                millis[i] = (System.nanoTime() - start) / 1e6;
                if (code != 0 || !err.toString().isEmpty()) {
                    throw new IllegalStateException("check failed (exit " + code + "):\n" + err);
                }
                last = out.toString().strip();
            }
            System.out.println(last);
            System.out.printf("first run: %.1f ms%n", millis[0]);
            if (runs > 1) {
                double[] warm = Arrays.copyOfRange(millis, 1, runs);
                Arrays.sort(warm);
                System.out.printf("later runs: median %.1f ms, min %.1f ms, max %.1f ms (%d runs)%n",
                        warm[warm.length / 2], warm[0], warm[warm.length - 1], warm.length);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
