package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.Frontend;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The generated source of the course lab network, held as a golden file so that every change to
 * the generator shows up in review. After an intended change, regenerate it with
 * {@code mvn test -Dtest=GoldenSourceTest -Dcnnc.updateGolden=true} and review the diff.
 */
class GoldenSourceTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/LabNetwork.java.txt");
    private static final Path GOLDEN_INFERENCE = Path.of("src/test/resources/golden/LabNetworkInference.java.txt");

    @Test
    void labNetworkSourceIsUnchanged() throws IOException {
        Network lab = load(Path.of("examples/lab.cnn"));
        String code = JavaGenerator.generate(lab).code();
        if (Boolean.getBoolean("cnnc.updateGolden")) {
            Files.writeString(GOLDEN, code, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), code);
    }

    /** The inference-only class that {@code cnnc build} packs into jars. */
    @Test
    void labInferenceSourceIsUnchanged() throws IOException {
        Network lab = load(Path.of("examples/lab.cnn"));
        String code = InferenceGenerator.generate(lab, "com.example.digits", null).code();
        if (Boolean.getBoolean("cnnc.updateGolden")) {
            Files.writeString(GOLDEN_INFERENCE, code, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN_INFERENCE, StandardCharsets.UTF_8), code);
    }

    static Network load(Path path) throws IOException {
        var result = Frontend.compile(new SourceFile(path.getFileName().toString(), Files.readString(path)));
        return result.network().orElseThrow(() -> new AssertionError(path + " has errors: " + result.diagnostics()));
    }
}
