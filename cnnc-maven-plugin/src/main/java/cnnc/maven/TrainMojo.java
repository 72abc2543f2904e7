package cnnc.maven;

import cnnc.codegen.Backend;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.data.DataException;
import cnnc.data.DataSources;
import cnnc.data.TrainTest;
import cnnc.io.PrintStreams;
import cnnc.model.Network;
import cnnc.train.DataSplit;
import cnnc.train.GlorotUniform;
import cnnc.train.ModelFiles;
import cnnc.train.Trainer;
import cnnc.train.TrainingConfig;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Trains a network of the source folder and writes its weights into the resources folder, where
 * {@code cnnc:generate}'s class reads them ({@code src/main/resources/com/example/digits/LabNetwork.safetensors}).
 * Bound to no phase: training is a step you run when the network changes, and its result is a
 * file you commit. The training settings of the {@code .cnn} file apply; properties override them.
 */
@Mojo(name = "train", threadSafe = true)
public class TrainMojo extends AbstractMojo {
    /** The folder holding the {@code .cnn} files, in folders named as their Java packages. */
    @Parameter(property = "cnnc.sourceDirectory", defaultValue = "${project.basedir}/src/main/cnn")
    File sourceDirectory;

    /** The resources folder the weights go into, beside the class's package path. */
    @Parameter(property = "cnnc.resourcesDirectory", defaultValue = "${project.basedir}/src/main/resources")
    File resourcesDirectory;

    /** The {@code .cnn} file to train, under the source folder; needed only when it holds several. */
    @Parameter(property = "cnnc.network")
    File network;

    /**
     * The data, as {@code cnnc train --data} takes it: the four MNIST IDX files, image folders or
     * a CSV pair. By default MNIST, fetched once into the user's cache.
     */
    @Parameter(property = "cnnc.data")
    File data;

    /** Overrides the file's {@code epochs}. */
    @Parameter(property = "cnnc.epochs")
    Integer epochs;

    /** Overrides the file's {@code batch}. */
    @Parameter(property = "cnnc.batch")
    Integer batch;

    /** Overrides the file's {@code seed}. */
    @Parameter(property = "cnnc.seed")
    Long seed;

    /** Worker threads; by default as many as the machine has cores. */
    @Parameter(property = "cnnc.threads")
    Integer threads;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        NetworkFile file = chosen();
        Network net = new Networks(getLog()).check(file.path())
                .orElseThrow(() -> new MojoFailureException(file.path() + " has errors (see above)"));
        var overrides = new TrainingConfig.Overrides(positive(epochs, "epochs"), positive(batch, "batch"), seed,
                positive(threads, "threads"), null, null, Map.of(), null, null, null);
        TrainingConfig config = TrainingConfig.resolve(net.training(), overrides);
        TrainTest sets = load(net);
        Backend backend = Backend.vectorAvailable() ? Backend.VECTOR : Backend.SCALAR;
        if (backend == Backend.SCALAR) {
            getLog().info("cnnc: training on plain Java; MAVEN_OPTS=\"--add-modules " + Backend.VECTOR_MODULE
                    + "\" makes it about twice as fast");
        }
        CompiledNetwork compiled = NetworkCompiler.compile(net, Precision.FLOAT, backend);
        float[][] params = (float[][]) compiled.newParameters();
        GlorotUniform.initialize(compiled.parameters(), params, config.seed());
        Trainer.Result result;
        try (var log = new PrintWriter(new LogWriter(getLog()), true)) {
            Trainer.checkFits(net, sets.train());
            result = new Trainer(compiled, config, log, false).train(params, DataSplit.validateOnTest(sets.train(), sets.test()));
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(file.path() + ": " + e.getMessage(), e);
        }
        if (result.diverged()) {
            throw new MojoFailureException("training " + file.path() + " diverged; nothing was written. Try a smaller "
                    + "learning rate (optimizer ... lr X in the .cnn file)");
        }
        Path weights = file.weightsIn(resourcesDirectory.toPath());
        try {
            Files.createDirectories(weights.getParent());
            ModelFiles.save(weights, net, result.parameters());
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + weights + ": " + e.getMessage(), e);
        }
        getLog().info(String.format(Locale.ROOT, "cnnc: test accuracy %.2f%% (loss %.4f) in %.1f s; wrote %s",
                100 * result.test().accuracy(), result.test().loss(), result.seconds(), weights));
    }

    /** The named network, or the only one there is. */
    private NetworkFile chosen() throws MojoFailureException {
        Path root = sourceDirectory.toPath().toAbsolutePath().normalize();
        if (network != null) {
            Path path = network.toPath().toAbsolutePath().normalize();
            if (!path.startsWith(root) || !Files.isRegularFile(path)) {
                throw new MojoFailureException("cnnc.network " + network + " is not a .cnn file under " + root
                        + "; the folder it lies in there names the class's package");
            }
            return NetworkFile.of(root, path, GenerateMojo.DEFAULT_PACKAGE);
        }
        List<NetworkFile> files = NetworkFile.find(root, GenerateMojo.DEFAULT_PACKAGE);
        if (files.size() != 1) {
            throw new MojoFailureException((files.isEmpty() ? "no .cnn files under " + root : files.size()
                    + " .cnn files under " + root) + "; name the one to train with -Dcnnc.network=PATH");
        }
        return files.get(0);
    }

    private TrainTest load(Network net) throws MojoFailureException {
        try {
            return DataSources.load(data == null ? null : data.toPath(), net.input(), PrintStreams.over(new LogWriter(getLog())));
        } catch (DataException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    private static Integer positive(Integer value, String name) throws MojoFailureException {
        if (value != null && value < 1) {
            throw new MojoFailureException("cnnc." + name + " must be at least 1, not " + value);
        }
        return value;
    }
}
