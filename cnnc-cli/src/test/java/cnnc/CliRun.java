package cnnc;

import cnnc.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** One run of the command line in process: the exit code and everything it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * The MNIST slice that cnnc-core's tests ship, as a folder: tests run at the repository root,
     * and the slice on this module's test class path is inside a jar.
     */
    public static Path mnistSlice() {
        return Path.of("cnnc-core/src/test/resources/mnist-slice");
    }

    /** For assertion messages: what the user would have seen. */
    public String transcript() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
