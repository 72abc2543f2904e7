package cnnc.cli;

import cnnc.report.JsonOut;
import cnnc.report.Summary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "summary", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Print the layer table: output shapes, parameters, multiply-accumulates.")
final class SummaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = "--json", description = "print the table as one JSON object instead")
    boolean json;

    @Override
    public Integer call() {
        var network = Sources.network(file, spec.commandLine().getErr());
        spec.commandLine().getOut().print(json ? JsonOut.summary(network) + "\n" : Summary.render(network));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
