package cnnc.bench;

import cnnc.model.Parameter;
import cnnc.data.Dataset;
import cnnc.data.Mnist;
import cnnc.model.Network;
import cnnc.train.GlorotUniform;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-image latency of the embedded inference class (what a project embedding the jar
 * calls), sampled per call so the harness can report the median and the 99th percentile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LatencyBenchmark {
    @Param({"lab"})
    public String network;

    private EmbeddedNetworks.Loaded loaded;
    private float[][] images;
    private int next;

    @Setup
    public void setUp() throws Exception {
        Network net = EmbeddedNetworks.network(Path.of("examples", network + ".cnn"));
        List<Parameter> parameters = Parameter.of(net);
        float[][] params = new float[parameters.size()][];
        for (int i = 0; i < params.length; i++) {
            params[i] = new float[parameters.get(i).size()];
        }
        GlorotUniform.initialize(parameters, params, 1);
        loaded = EmbeddedNetworks.load(net, params);
        Dataset test = Mnist.load(null, System.err).test();
        images = new float[1024][];
        for (int i = 0; i < images.length; i++) {
            images[i] = test.image(i);
        }
    }

    @Benchmark
    public float[] predictOne() throws Throwable {
        float[] image = images[next++ & 1023];
        return (float[]) loaded.predictOne().invokeExact(loaded.instance(), image);
    }
}
