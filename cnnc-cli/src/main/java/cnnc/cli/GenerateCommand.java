package cnnc.cli;

import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.InferenceGenerator;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.Precision;
import cnnc.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Write the generated Java source of a network: its training class, or with --inference the",
            "class that build packs into jars (java.base only), with the weights reader beside it."})
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

    @Option(names = "--backend", paramLabel = "NAME", completionCandidates = Sources.BackendNames.class,
            description = "one of ${COMPLETION-CANDIDATES}: scalar (default) or vector (the Vector API; "
            + "compiling and running the class then need --add-modules jdk.incubator.vector); training class only")
    String backend;

    @Option(names = "--inference", description = "the inference class that build packs, and its weights reader; its "
            + "no-argument constructor reads the resource CLASS.safetensors beside it")
    boolean inference;

    @Override
    public Integer call() {
        Names.checkPackage(packageName);
        if (className != null) {
            Names.checkIdentifier(className, "--class");
        }
        Backend chosen = Sources.backend(backend);
        if (inference && chosen == Backend.VECTOR) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--inference writes the plain-Java class that jars embed; "
                    + "leave out --backend vector");
        }
        var network = Sources.network(file, spec.commandLine().getErr());
        String name = className != null ? className : JavaGenerator.defaultClassName(network.source().name());
        if (className == null) {
            Names.checkIdentifier(name, "the class name from " + file);
        }
        List<GeneratedSource> sources;
        if (inference) {
            String problem = InferenceGenerator.nameProblem(name);
            if (problem != null) {
                throw new CliError(ExitCodes.USAGE_OR_IO, problem + "; choose another --class");
            }
            sources = InferenceGenerator.sources(network, packageName, name);
        } else {
            sources = List.of(JavaGenerator.generate(network, packageName, name, Precision.FLOAT, chosen));
        }
        for (GeneratedSource source : sources) {
            Outputs.check(directory.resolve(source.relativePath()), "-d", file);
        }
        for (GeneratedSource source : sources) {
            Path target = directory.resolve(source.relativePath());
            try {
                AtomicFiles.write(target, source.code().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
            }
            spec.commandLine().getOut().println("wrote " + target);
        }
        return ExitCodes.OK;
    }
}
