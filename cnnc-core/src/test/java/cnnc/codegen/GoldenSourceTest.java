package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.Frontend;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated sources of every example network, held as golden files so that every change to
 * the generator shows up in review: the training class on both backends and the inference class
 * that {@code cnnc build} packs. After an intended change, regenerate them with
 * {@code mvn test -Dtest=GoldenSourceTest -Dcnnc.updateGolden=true} and review the diff.
 */
class GoldenSourceTest {
    private static final Path GOLDEN = Path.of("cnnc-core/src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(strings = {"lab", "mlp", "lenet5", "lenet5-mnist", "batchnorm-mnist", "binary", "alexnet", "vgg16"})
    void trainingSourceIsUnchanged(String example) throws IOException {
        Network network = load(Path.of("examples", example + ".cnn"));
        String code = JavaGenerator.generate(network).code();
        assertGolden(example.equals("lab") ? "LabNetwork.java.txt" : example + ".scalar.java.txt", code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lab", "mlp", "lenet5", "lenet5-mnist", "batchnorm-mnist", "binary", "alexnet", "vgg16"})
    void vectorTrainingSourceIsUnchanged(String example) throws IOException {
        Network network = load(Path.of("examples", example + ".cnn"));
        String code = JavaGenerator.generate(network, JavaGenerator.DEFAULT_PACKAGE, null, Precision.FLOAT,
                Backend.VECTOR).code();
        assertGolden(example + ".vector.java.txt", code);
    }

    /** The inference-only class that {@code cnnc build} packs into jars. */
    @ParameterizedTest
    @ValueSource(strings = {"lab", "mlp", "lenet5", "lenet5-mnist", "batchnorm-mnist", "binary", "alexnet", "vgg16"})
    void inferenceSourceIsUnchanged(String example) throws IOException {
        Network network = load(Path.of("examples", example + ".cnn"));
        String code = InferenceGenerator.generate(network, "com.example.digits", null).code();
        assertGolden(example.equals("lab") ? "LabNetworkInference.java.txt" : example + ".inference.java.txt", code);
    }

    private static void assertGolden(String file, String code) throws IOException {
        Path golden = GOLDEN.resolve(file);
        if (Boolean.getBoolean("cnnc.updateGolden")) {
            Files.writeString(golden, code, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(golden, StandardCharsets.UTF_8), code, file);
    }

    static Network load(Path path) throws IOException {
        var result = Frontend.compile(new SourceFile(path.getFileName().toString(), Files.readString(path)));
        return result.network().orElseThrow(() -> new AssertionError(path + " has errors: " + result.diagnostics()));
    }
}
