package cnnc.cli;

import cnnc.Frontend;
import cnnc.model.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Check .cnn files and print their diagnostics.")
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "the .cnn files to check")
    List<Path> files;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        int code = ExitCodes.OK;
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
}
