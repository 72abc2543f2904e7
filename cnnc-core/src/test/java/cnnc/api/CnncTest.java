package cnnc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkInstance;
import cnnc.model.Network;
import cnnc.train.ModelFiles;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The library API, as the README's example uses it, and its parts against the command line's. */
class CnncTest {

    @Test
    void theReadmeExampleChecksSummarizesGeneratesAndLoads() throws Exception {
        CheckResult checked = Cnnc.check("lab.cnn", Files.readString(Path.of("examples/lab.cnn")));
        assertTrue(checked.ok(), checked.render());
        Network network = checked.network().orElseThrow();
        assertTrue(Cnnc.summary(network).contains("Total params: 9,269"));
        List<GeneratedSource> sources = Cnnc.inferenceSources(network, "com.example.digits", "LabNetwork");
        Map<String, Class<?>> classes = Cnnc.load(sources);
        assertEquals(List.of("com.example.digits.LabNetwork", "com.example.digits.LabNetworkWeights",
                "com.example.digits.LabNetworkWeightsJson"), List.copyOf(classes.keySet()));
        // one warning, the pool that leaves out an edge: a warning is not an error
        assertEquals(1, checked.diagnostics().size());
    }

    @Test
    void errorsComeBackAsDiagnosticsNotExceptions() {
        CheckResult checked = Cnnc.check("bad.cnn", "input 28x28x1\nflatten\ndense 10 sofmax\n");
        assertFalse(checked.ok());
        assertEquals(1, checked.diagnostics().size(), checked.render());
        assertEquals(3, checked.diagnostics().get(0).span().line());
        assertEquals(10, checked.diagnostics().get(0).span().column());
        assertTrue(checked.render().contains("bad.cnn:3:10: error: unknown word `sofmax`"), checked.render());
        assertTrue(checked.render().contains("did you mean `softmax`?"), checked.render());
    }

    /** The inference class from the API predicts what the training class computes, bit for bit. */
    @Test
    void inferenceClassAgreesWithTheTrainingClass() throws Throwable {
        Network network = Cnnc.check("tiny.cnn", "input 6x6x2\nconv 3 3x3 relu\npool 2x2\nflatten\ndense 4 softmax\n")
                .network().orElseThrow();
        CompiledNetwork training = Cnnc.compileForTraining(network, Backend.SCALAR);
        float[][] params = (float[][]) training.newParameters();
        for (int t = 0; t < params.length; t++) {
            for (int i = 0; i < params[t].length; i++) {
                params[t][i] = (float) Math.sin(7 * t + i);
            }
        }
        float[] input = new float[network.input().size()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) Math.cos(i);
        }
        NetworkInstance instance = training.instantiate(1, params);
        instance.forward(input, 0, 1, false);
        float[] expected = (float[]) instance.output();

        Class<?> type = Cnnc.load(Cnnc.inferenceSources(network, "app", "Tiny")).get("app.Tiny");
        Object tiny = type.getConstructor(InputStream.class)
                .newInstance(new ByteArrayInputStream(ModelFiles.toBytes(network, params)));
        float[] actual = (float[]) type.getMethod("predict", float[].class).invoke(tiny, (Object) input);
        assertArrayEquals(expected, actual);
        assertTrue(Cnnc.trainingSource(network, "app", null, Backend.SCALAR).code().contains("public final class TinyNetwork"));
    }
}
