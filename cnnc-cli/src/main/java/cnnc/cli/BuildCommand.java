package cnnc.cli;

import cnnc.codegen.InferenceGenerator;
import cnnc.codegen.InferenceOptions;
import cnnc.codegen.JavaGenerator;
import cnnc.embed.EmbeddedJar;
import cnnc.embed.MavenCoordinates;
import cnnc.io.AtomicFiles;
import cnnc.io.ModelFileException;
import cnnc.io.SafeTensorsFile;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "build", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = {"Pack a trained network into a jar that needs only the JDK.",
        "The jar holds an inference-only class, its source, the weights, and a pom, so that Maven installs it by the jar alone."})
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the .cnn file the weights were trained from")
    Path file;

    @Option(names = "--weights", paramLabel = "MODEL", required = true,
            description = "the trained model.safetensors (or the training output folder holding it)")
    Path weights;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.jar", required = true, description = "the jar to write")
    Path output;

    @Option(names = "--package", paramLabel = "P", description = "Java package, also the Maven groupId (default: ${DEFAULT-VALUE})")
    String packageName = JavaGenerator.DEFAULT_PACKAGE;

    @Option(names = "--class", paramLabel = "C", description = "class name (default: from the file name, e.g. LabNetwork); "
            + "the Maven artifactId is its kebab case, e.g. lab-network")
    String className;

    @Option(names = "--artifact-version", paramLabel = "V", description = "the jar's Maven version (default: "
            + MavenCoordinates.DEFAULT_VERSION + "); --version prints cnnc's")
    String version;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (packageName.isEmpty()) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "--package must not be empty: code in a named package cannot "
                    + "import a class of the unnamed package");
        }
        Names.checkPackage(packageName);
        if (className != null) {
            Names.checkIdentifier(className, "--class");
        }
        if (Files.isDirectory(output)) {
            throw new CliError(ExitCodes.USAGE_OR_IO, "-o " + output + " is a directory; give the jar's file name, e.g. "
                    + output.resolve("network.jar"));
        }
        Path modelFile = Sources.modelFile(weights);
        Outputs.check(output, "-o", file, modelFile);
        Network network = Sources.network(file, err);
        String name = className != null ? className : JavaGenerator.defaultClassName(network.source().name());
        String nameProblem = InferenceGenerator.nameProblem(name);
        if (nameProblem != null) {
            throw new CliError(ExitCodes.USAGE_OR_IO, nameProblem + "; choose another --class");
        }
        MavenCoordinates coordinates;
        try {
            coordinates = MavenCoordinates.derive(packageName, name, version);
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        SafeTensorsFile model = Sources.readModel(modelFile);
        float[][] params;
        InferenceOptions options;
        try {
            params = ModelFiles.load(model, modelFile.toString(), network);
            options = ModelFiles.inferenceOptions(model, modelFile.toString());
        } catch (ModelFileException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        Sources.warnIfTrainedFromAnotherText(model, modelFile, network, file, err);
        EmbeddedJar jar = Sources.compiling(network, err,
                () -> EmbeddedJar.build(network, params, packageName, name, coordinates, options));
        byte[] bytes = jar.toBytes();
        try {
            AtomicFiles.write(output, bytes);
        } catch (IOException e) {
            throw new CliError(ExitCodes.USAGE_OR_IO, e.getMessage());
        }
        out.printf(Locale.ROOT, "Wrote %s (%,d bytes): %s with the weights of %s%n", output, bytes.length,
                jar.source().qualifiedName(), modelFile);
        out.println("Maven coordinates " + coordinates + "; install with:");
        out.println("  " + MavenCoordinates.installCommand(output.toString()));
        out.flush();
        return ExitCodes.OK;
    }
}
