package cnnc.cli;

import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.Precision;
import cnnc.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Write the generated Java source of a network.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the .cnn file")
    Path file;

    @Option(names = "-d", paramLabel = "DIR", required = true, description = "source root to write into")
    Path directory;

    @Option(names = "--package", paramLabel = "P", description = "Java package (default: ${DEFAULT-VALUE})")
    String packageName = JavaGenerator.DEFAULT_PACKAGE;

    @Option(names = "--class", paramLabel = "C", description = "class name (default: from the file name, e.g. LabNetwork)")
    String className;

    @Option(names = "--backend", paramLabel = "NAME", description = "scalar (default) or vector (the Vector API; "
            + "compiling and running the class then need --add-modules jdk.incubator.vector)")
    String backend;

    @Override
    public Integer call() {
        Names.checkPackage(packageName);
        if (className != null) {
            Names.checkIdentifier(className, "--class");
        }
        Backend chosen = Sources.backend(backend);
        var network = Sources.network(file, spec.commandLine().getErr());
        if (className == null) {
            Names.checkIdentifier(JavaGenerator.defaultClassName(network.source().name()), "the class name from " + file);
        }
        GeneratedSource source = JavaGenerator.generate(network, packageName, className, Precision.FLOAT, chosen);
        Path target = directory.resolve(source.relativePath());
        Outputs.check(target, "-d", file);
        try {
            AtomicFiles.write(target, source.code().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        spec.commandLine().getOut().println("wrote " + target);
        return ExitCodes.OK;
    }
}
