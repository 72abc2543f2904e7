package cnnc.train;

import cnnc.Frontend;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.data.Mnist;
import cnnc.data.MnistFiles;
import cnnc.data.TrainTest;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The MNIST slice shipped with the tests, and small helpers to train on it. */
final class TrainingFixtures {
    static final String LAB = "input 28x28x1\nconv 10 3x3 relu\npool 2x2\nconv 5 3x3 relu\npool 2x2\nflatten\n"
            + "dense 64 relu\ndense 10 softmax\n";

    private static TrainTest slice;

    private TrainingFixtures() {}

    static Path sliceDir() {
        try {
            return Path.of(TrainingFixtures.class.getResource("/mnist-slice/README.txt").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized TrainTest slice() {
        if (slice == null) {
            slice = Mnist.load(MnistFiles.in(sliceDir()));
        }
        return slice;
    }

    static Network network(String source) {
        var result = Frontend.compile(new SourceFile("test.cnn", source));
        return result.network().orElseThrow(() -> new AssertionError(result.diagnostics()));
    }

    static CompiledNetwork compile(String source) {
        return NetworkCompiler.compile(network(source));
    }

    static TrainingConfig config(int epochs, int batch, long seed, int threads) {
        return new TrainingConfig(epochs, batch, seed, threads, cnnc.ast.OptimizerKind.RMSPROP, Map.of(), 0);
    }

    static float[][] initialParams(CompiledNetwork compiled, long seed) {
        float[][] params = (float[][]) compiled.newParameters();
        GlorotUniform.initialize(compiled.parameters(), params, seed);
        return params;
    }

    /** A trainer that writes its progress into a string nobody reads. */
    static Trainer quietTrainer(CompiledNetwork compiled, TrainingConfig config) {
        return new Trainer(compiled, config, new PrintWriter(new StringWriter()), false);
    }
}
