package cnnc.train;

import cnnc.codegen.Backend;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.data.Dataset;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Trains a few small networks on the vector backend and prints, for each, a SHA-256 of its trained
 * weights' bits: what {@link SameBitsOnEveryJavaTest} compares across JVMs and JIT settings.
 */
public final class VectorRunProbe {
    /** Convolutions, max and average pooling, batchnorm, dropout, dense layers and every activation. */
    static final List<String[]> RUNS = List.of(
            new String[] {"lab", TrainingFixtures.LAB},
            new String[] {"batchnorm", "input 28x28x1\nconv 6 3x3 relu\nbatchnorm\npool 2x2\nflatten\n"
                    + "dense 32 relu\ndropout 0.3\ndense 10 softmax\n"},
            new String[] {"dense", "input 28x28x1\nflatten\ndense 40 relu\ndropout 0.2\ndense 10 softmax\n"},
            new String[] {"activations", "input 28x28x1\nconv 4 3x3 tanh\npool avg 2x2\nconv 4 3x3 leakyrelu 0.1\n"
                    + "pool max global\ndense 16 elu\ndense 8 sigmoid\ndense 10 softmax\n"});

    private VectorRunProbe() {}

    public static void main(String[] args) throws Exception {
        for (String line : run()) {
            System.out.println(line);
        }
    }

    /** One line per network: its name and the hash of its trained weights. */
    static List<String> run() throws Exception {
        Dataset train = TrainingFixtures.slice().train().slice(0, 384);
        Dataset heldOut = TrainingFixtures.slice().test().slice(0, 32);
        var lines = new ArrayList<String>();
        for (String[] run : RUNS) {
            CompiledNetwork compiled = NetworkCompiler.compile(TrainingFixtures.network(run[1]), Precision.FLOAT, Backend.VECTOR);
            if (!compiled.usesVectorApi()) {
                throw new IllegalStateException("not a vector class: " + run[0]);
            }
            float[][] params = TrainingFixtures.initialParams(compiled, 3);
            float[][] trained = TrainingFixtures.quietTrainer(compiled, TrainingFixtures.config(1, 32, 3, 2))
                    .train(params, train, heldOut).parameters();
            lines.add(run[0] + " " + hash(trained));
        }
        return lines;
    }

    private static String hash(float[][] tensors) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        for (float[] t : tensors) {
            var bytes = ByteBuffer.allocate(4 * t.length);
            for (float v : t) {
                bytes.putInt(Float.floatToRawIntBits(v));
            }
            digest.update(bytes.array());
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }
}
