package cnnc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.codegen.InferenceOptions;
import cnnc.diag.SourceFile;
import cnnc.embed.EmbeddedJar;
import cnnc.embed.MavenCoordinates;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.train.GlorotUniform;
import cnnc.train.ModelFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateMojoTest {
    private static final String LAB = "input 28x28x1\nconv 4 3x3 relu\npool 2x2\nflatten\ndense 10 softmax\n";

    @TempDir
    Path project;

    private GenerateMojo mojo() {
        var mojo = new GenerateMojo();
        mojo.sourceDirectory = project.resolve("src/main/cnn").toFile();
        mojo.outputDirectory = project.resolve("target/generated-sources/cnnc").toFile();
        mojo.resourcesDirectory = project.resolve("src/main/resources").toFile();
        mojo.project = new MavenProject();
        mojo.project.getBuild().setDirectory(project.resolve("target").toString());
        return mojo;
    }

    private Path generated(String relative) {
        return project.resolve("target/generated-sources/cnnc").resolve(relative);
    }

    private Path write(String relative, String text) throws Exception {
        Path file = project.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theClassIsTheOneCnncBuildPacksForTheSameWeights() throws Exception {
        write("src/main/cnn/com/example/digits/lab.cnn", LAB);
        Network network = Frontend.compile(new SourceFile("lab.cnn", LAB)).network().orElseThrow();
        float[][] params = randomWeights(network);
        Path weights = project.resolve("src/main/resources/com/example/digits/LabNetwork.safetensors");
        Files.createDirectories(weights.getParent());
        ModelFiles.save(weights, network, params);

        var mojo = mojo();
        mojo.execute();

        EmbeddedJar jar = EmbeddedJar.build(network, params, "com.example.digits", "LabNetwork",
                MavenCoordinates.derive("com.example.digits", "LabNetwork", null), InferenceOptions.of(network));
        assertEquals(jar.source().code(), Files.readString(generated("com/example/digits/LabNetwork.java")));
        assertTrue(Files.isRegularFile(generated("com/example/digits/LabNetworkWeights.java")));
        assertEquals(List.of(generated("").toString()), mojo.project.getCompileSourceRoots());
    }

    @Test
    void unchangedInputsAreNotGeneratedAgainAndChangedOnesAre() throws Exception {
        Path cnn = write("src/main/cnn/com/example/lab.cnn", LAB);
        mojo().execute();
        Path source = generated("com/example/LabNetwork.java");
        FileTime old = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(source, old);
        String before = Files.readString(source);

        mojo().execute();
        assertEquals(old, Files.getLastModifiedTime(source), "an unchanged network was generated again");

        Files.writeString(cnn, LAB.replace("conv 4", "conv 6"));
        mojo().execute();
        assertNotEquals(before, Files.readString(source));
    }

    @Test
    void anUpToDateClassDoesNotReadItsWeightsAndReplacedWeightsAreReadAgain() throws Exception {
        write("src/main/cnn/com/example/lab.cnn", LAB);
        Network network = Frontend.compile(new SourceFile("lab.cnn", LAB)).network().orElseThrow();
        Path weights = project.resolve("src/main/resources/com/example/LabNetwork.safetensors");
        Files.createDirectories(weights.getParent());
        ModelFiles.save(weights, network, randomWeights(network));
        mojo().execute();

        // the same size and time, bytes no reader accepts: an up-to-date build never looks inside
        FileTime time = Files.getLastModifiedTime(weights);
        Files.write(weights, new byte[(int) Files.size(weights)]);
        Files.setLastModifiedTime(weights, time);
        mojo().execute();

        Files.setLastModifiedTime(weights, FileTime.fromMillis(time.toMillis() + 2000));
        var e = assertThrows(MojoFailureException.class, () -> mojo().execute());
        assertTrue(e.getMessage().contains("LabNetwork.safetensors"), e.getMessage());
    }

    private static float[][] randomWeights(Network network) {
        float[][] params = new float[Parameter.of(network).size()][];
        for (int i = 0; i < params.length; i++) {
            params[i] = new float[Parameter.of(network).get(i).size()];
        }
        GlorotUniform.initialize(Parameter.of(network), params, 7);
        return params;
    }

    @Test
    void theSourceOfARemovedNetworkGoes() throws Exception {
        Path cnn = write("src/main/cnn/com/example/lab.cnn", LAB);
        write("src/main/cnn/com/example/other.cnn", LAB);
        mojo().execute();
        assertTrue(Files.isRegularFile(generated("com/example/LabNetwork.java")));
        Files.delete(cnn);
        mojo().execute();
        assertFalse(Files.exists(generated("com/example/LabNetwork.java")));
        assertTrue(Files.isRegularFile(generated("com/example/OtherNetwork.java")));
    }

    @Test
    void aFolderThatIsNoJavaPackageIsAnErrorSayingSo() throws Exception {
        write("src/main/cnn/my-nets/lab.cnn", LAB);
        var e = assertThrows(MojoFailureException.class, () -> mojo().execute());
        assertTrue(e.getMessage().contains("gives the package name `my-nets`, which Java does not accept"), e.getMessage());
    }

    @Test
    void errorsFailTheBuildAndWeightsOfAnotherNetworkAreNamed() throws Exception {
        write("src/main/cnn/com/example/bad.cnn", "input 28x28x1\ndense 10 softmax\nconv 4 3x3\n");
        var e = assertThrows(MojoFailureException.class, () -> mojo().execute());
        assertTrue(e.getMessage().startsWith("2 errors and 0 warnings in .cnn files"), e.getMessage());

        Files.delete(project.resolve("src/main/cnn/com/example/bad.cnn"));
        write("src/main/cnn/com/example/lab.cnn", LAB);
        write("src/main/resources/com/example/LabNetwork.safetensors", "not weights");
        var wrong = assertThrows(MojoFailureException.class, () -> mojo().execute());
        assertTrue(wrong.getMessage().contains("LabNetwork.safetensors"), wrong.getMessage());
    }

    @Test
    void warningsFailTheBuildWithFailOnWarningEvenWhenUpToDate() throws Exception {
        // a pooling window that leaves out a row and a column: a warning
        write("src/main/cnn/com/example/lab.cnn", "input 27x27x1\npool 2x2\nflatten\ndense 10 softmax\n");
        mojo().execute();
        var strict = mojo();
        strict.failOnWarning = true;
        var e = assertThrows(MojoFailureException.class, strict::execute);
        assertTrue(e.getMessage().startsWith("0 errors and 1 warning in .cnn files"), e.getMessage());
    }

    @Test
    void noSourceFolderIsNoWork() throws Exception {
        var mojo = mojo();
        mojo.sourceDirectory = new File(project.toFile(), "absent");
        mojo.execute();
        assertFalse(Files.exists(generated("")));
    }
}
