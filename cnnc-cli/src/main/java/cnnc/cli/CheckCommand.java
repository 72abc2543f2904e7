package cnnc.cli;

import cnnc.Frontend;
import cnnc.model.Network;
import cnnc.report.JsonOut;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Check .cnn files and print their diagnostics.")
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "the .cnn files to check")
    List<Path> files;

    @Option(names = "--json", description = "print one JSON object per file on stdout (diagnostics included) instead")
    boolean json;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        int code = ExitCodes.OK;
        if (json) {
            return checkAsJson(out);
        }
        for (Path file : files) {
            try {
                Frontend.Result result = Sources.compile(file, err);
                if (result.network().isPresent()) {
                    Network n = result.network().get();
                    long warnings = result.diagnostics().size();
                    out.printf("%s: ok, %s layers, %s parameters%s%n", file, cnnc.report.Summary.grouped(n.layers().size()),
                            cnnc.report.Summary.grouped(n.totalParams()),
                            warnings == 0 ? "" : ", " + warnings + (warnings == 1 ? " warning" : " warnings"));
                } else {
                    code = Math.max(code, ExitCodes.INPUT_ERROR);
                }
            } catch (CliError e) {
                err.println("cnnc: " + e.getMessage());
                code = Math.max(code, e.exitCode());
            }
        }
        out.flush();
        err.flush();
        return code;
    }

    /** One JSON object a line per file, diagnostics included; the exit code as for the human form. */
    private int checkAsJson(java.io.PrintWriter out) {
        int code = ExitCodes.OK;
        for (Path file : files) {
            try {
                Frontend.Result result = Frontend.compile(Sources.read(file));
                out.println(JsonOut.checked(file.toString(), result.network().orElse(null), result.diagnostics()));
                if (result.network().isEmpty()) {
                    code = Math.max(code, ExitCodes.INPUT_ERROR);
                }
            } catch (CliError e) {
                out.println(JsonOut.unreadable(file.toString(), e.getMessage()));
                code = Math.max(code, e.exitCode());
            }
        }
        out.flush();
        return code;
    }
}
