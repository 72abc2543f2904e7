package cnnc.maven;

import cnnc.Frontend;
import cnnc.diag.Diagnostic;
import cnnc.diag.DiagnosticPrinter;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

/**
 * Checks {@code .cnn} files for the goals, printing each diagnostic as the command line does,
 * {@code file:line:col: error: ...} with its caret lines, so that IDEs and CI mark the line.
 */
final class Networks {
    private int errors;
    private int warnings;
    private final Log log;

    Networks(Log log) {
        this.log = log;
    }

    /** The checked network, or empty after its errors are logged; its warnings are logged too. */
    Optional<Network> check(Path path) throws MojoFailureException {
        Frontend.Result result = checkQuietly(path);
        logWarnings(result);
        return result.network();
    }

    /**
     * The front end's result, its errors logged and its warnings not: {@code generate} shows them
     * only for a network it generates, so that a build running {@code check} too prints them once.
     */
    Frontend.Result checkQuietly(Path path) throws MojoFailureException {
        SourceFile source;
        try {
            source = SourceFile.read(path.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new MojoFailureException("cannot read " + path + ": " + e.getMessage(), e);
        }
        Frontend.Result result = Frontend.compile(source);
        result.diagnostics().stream().filter(Diagnostic::isError).forEach(d -> log(source, d));
        return result;
    }

    /** Logs the warnings of a result that {@link #checkQuietly} left out. */
    void logWarnings(Frontend.Result result) {
        result.diagnostics().stream().filter(d -> !d.isError()).forEach(d -> log(result.source(), d));
    }

    void log(SourceFile source, Diagnostic d) {
        String text = DiagnosticPrinter.render(source, d).stripTrailing();
        for (String line : text.split("\n")) {
            if (d.isError()) {
                log.error(line);
            } else {
                log.warn(line);
            }
        }
        if (d.isError()) {
            errors++;
        } else {
            warnings++;
        }
    }

    /** Fails the build after errors, and after warnings when {@code failOnWarning} says so. */
    void failIfNeeded(boolean failOnWarning) throws MojoFailureException {
        if (errors > 0 || (failOnWarning && warnings > 0)) {
            throw new MojoFailureException(count(errors, "error") + " and " + count(warnings, "warning")
                    + " in .cnn files (see above)" + (errors == 0 ? "; failOnWarning is set" : ""));
        }
    }

    private static String count(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
