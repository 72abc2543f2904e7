package cnnc.maven;

import cnnc.Frontend;
import cnnc.Version;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.InferenceGenerator;
import cnnc.codegen.InferenceOptions;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.RuntimeSource;
import cnnc.compile.ClassTooLargeException;
import cnnc.compile.CodeSizeException;
import cnnc.compile.InMemoryCompiler;
import cnnc.compile.MethodSizeCheck;
import cnnc.diag.Diagnostic;
import cnnc.io.AtomicFiles;
import cnnc.io.ModelFileException;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates the inference class of every {@code .cnn} file under the source folder, the class
 * {@code cnnc build} packs into a jar (it needs only {@code java.base}), and adds the output
 * folder to the compile sources. Its no-argument constructor reads the weights resource beside
 * the class ({@code src/main/resources/com/example/digits/LabNetwork.safetensors}); {@code cnnc:train}
 * writes it there. Unchanged inputs are not generated again.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends CheckingMojo {
    /** The package of {@code .cnn} files directly in the source folder, as {@code cnnc build}'s default. */
    static final String DEFAULT_PACKAGE = JavaGenerator.DEFAULT_PACKAGE;

    /** Where the generated sources go; added to the project's compile sources. */
    @Parameter(property = "cnnc.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/cnnc")
    File outputDirectory;

    /** The resources folder where each class's trained weights are, beside the class's package path. */
    @Parameter(property = "cnnc.resourcesDirectory", defaultValue = "${project.basedir}/src/main/resources")
    File resourcesDirectory;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        Path out = outputDirectory.toPath();
        project.addCompileSourceRoot(out.toString());
        var files = NetworkFile.find(sourceDirectory.toPath(), DEFAULT_PACKAGE);
        var networks = new Networks(getLog());
        var written = new HashSet<Path>();
        int generated = 0;
        for (NetworkFile file : files) {
            Frontend.Result checked = networks.checkQuietly(file.path());
            Optional<Network> network = checked.network();
            if (network.isEmpty()) {
                continue;
            }
            if (failOnWarning) {
                networks.logWarnings(checked); // they fail this build whether or not it generates
            }
            Path weights = file.weightsIn(resourcesDirectory.toPath());
            if (!Files.isRegularFile(weights)) {
                getLog().warn(file.path() + ": no weights at " + weights + " yet; " + file.className()
                        + "() will fail until they are there. Run mvn cnnc:train -Dcnnc.network=" + file.path()
                        + ", or copy a trained model.safetensors there");
            }
            List<Path> targets = targets(out, file);
            written.addAll(targets);
            Path stamp = stampOf(file);
            String fingerprint = Fingerprint.of(Version.VERSION, file.qualifiedName(), network.get().source().text(),
                    Fingerprint.fileState(weights));
            if (Fingerprint.matches(stamp, fingerprint) && targets.stream().allMatch(Files::isRegularFile)) {
                getLog().debug("cnnc: " + file.qualifiedName() + " is up to date");
                continue;
            }
            if (!failOnWarning) {
                networks.logWarnings(checked);
            }
            // the weights are read (and checked against the network) only for a class generated again
            InferenceOptions options = options(network.get(), file, weights);
            List<GeneratedSource> sources = InferenceGenerator.sources(network.get(), file.packageName(), file.className(), options);
            if (!fitsTheJit(network.get(), sources, networks)) {
                continue;
            }
            for (GeneratedSource s : sources) {
                write(out.resolve(s.relativePath()), s.code());
            }
            write(stamp, fingerprint);
            generated++;
        }
        networks.failIfNeeded(failOnWarning);
        removeStale(out, written);
        getLog().info("cnnc: " + files.size() + " network" + (files.size() == 1 ? "" : "s") + " in " + sourceDirectory
                + ", " + generated + " generated into " + out);
    }

    /** The positive class and normalization of the trained weights, when they are there yet. */
    private static InferenceOptions options(Network network, NetworkFile file, Path weights) throws MojoFailureException {
        if (!Files.isRegularFile(weights)) {
            return InferenceOptions.of(network);
        }
        try {
            SafeTensorsFile model = SafeTensors.read(weights);
            ModelFiles.load(model, weights.toString(), network); // the weights fit the network
            return ModelFiles.inferenceOptions(model, weights.toString());
        } catch (ModelFileException e) {
            throw new MojoFailureException(file.path() + ": " + e.getMessage(), e);
        }
    }

    /** Compiles the sources in memory, as cnnc build does, so that a method too large for HotSpot's JIT is an error here. */
    private static boolean fitsTheJit(Network network, List<GeneratedSource> sources, Networks networks) {
        try {
            try {
                MethodSizeCheck.requireAll(network, InMemoryCompiler.compile(sources).values());
            } catch (ClassTooLargeException e) {
                throw e.asDiagnostics(network);
            }
            return true;
        } catch (CodeSizeException e) {
            for (Diagnostic d : e.diagnostics()) {
                networks.log(network.source(), d);
            }
            return false;
        }
    }

    /** The files generated for {@code file}: its class, then the weights reader beside it, as {@link InferenceGenerator#sources} makes them. */
    private static List<Path> targets(Path out, NetworkFile file) {
        var names = new ArrayList<GeneratedSource>();
        names.add(new GeneratedSource(file.packageName(), file.className(), ""));
        names.addAll(RuntimeSource.weightsReader(file.packageName(), file.className()));
        return names.stream().map(s -> out.resolve(s.relativePath())).toList();
    }

    private Path stampOf(NetworkFile file) {
        return Path.of(project.getBuild().getDirectory(), "cnnc-stamps", file.qualifiedName() + ".sha256");
    }

    private static void write(Path target, String text) throws MojoExecutionException {
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Sources of networks since removed or renamed, so that they do not compile on. */
    private void removeStale(Path out, Set<Path> written) throws MojoExecutionException {
        if (!Files.isDirectory(out)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                if (!written.contains(p)) {
                    getLog().info("cnnc: removing " + p + ", whose .cnn file is gone");
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot clean " + out + ": " + e.getMessage(), e);
        }
    }
}
