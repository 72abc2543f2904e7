package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import cnnc.model.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training a network with batchnorm on the MNIST slice: it learns, reproducibly, and its running averages follow. */
class BatchNormTrainingTest {
    private static final String NETWORK = "input 28x28x1\nconv 8 3x3 nobias\nbatchnorm momentum 0.9\nleakyrelu 0.1\npool 2x2\n"
            + "flatten\ndense 32 nobias\nbatchnorm momentum 0.8 epsilon 1e-5\nrelu\ndense 10 softmax\n";

    @Test
    void learnsReproduciblyAndUpdatesTheRunningAverages() {
        CompiledNetwork compiled = TrainingFixtures.compile(NETWORK);
        Dataset train = TrainingFixtures.slice().train();
        Dataset heldOut = TrainingFixtures.slice().test();
        float[][] first = train(compiled, train, heldOut, 3);
        float[][] again = train(compiled, train, heldOut, 3);
        for (int t = 0; t < first.length; t++) {
            assertArrayEquals(first[t], again[t], compiled.parameters().get(t).tensorName());
        }
        List<Parameter> parameters = compiled.parameters();
        for (int t = 0; t < parameters.size(); t++) {
            Parameter p = parameters.get(t);
            if (p.role() == Parameter.Role.RUNNING_MEAN || p.role() == Parameter.Role.RUNNING_VARIANCE) {
                float start = p.role() == Parameter.Role.RUNNING_MEAN ? 0 : 1;
                for (float v : first[t]) {
                    assertTrue(v != start && Float.isFinite(v), p.tensorName() + " moved from " + start + " to " + v);
                }
            }
        }
        double accuracy = Evaluation.of(compiled, first, heldOut, 2).accuracy();
        assertTrue(accuracy > 0.8, "held-out accuracy with the running averages: " + accuracy);
    }

    /** One step on 2,000 images' first 48: the batch statistics, and so the running averages, whatever the threads. */
    @Test
    void theThreadCountDoesNotChangeTheBatchStatistics() {
        CompiledNetwork compiled = TrainingFixtures.compile(NETWORK);
        Dataset data = TrainingFixtures.slice().train();
        int n = 48;
        float[] x = java.util.Arrays.copyOf(data.images(), n * data.imageSize());
        int[] labels = java.util.Arrays.copyOf(data.labels(), n);
        Targets targets = Targets.of(compiled.network(), 10, 0);
        float[] t = new float[n * 10];
        for (int i = 0; i < n; i++) {
            targets.encode(labels[i], t, i * 10);
        }
        float[][] one = TrainingFixtures.initialParams(compiled, 1);
        float[][] three = TrainingFixtures.initialParams(compiled, 1);
        ParallelNetwork.BatchResult a;
        ParallelNetwork.BatchResult b;
        try (var net = new ParallelNetwork(compiled, one, n, 1, targets)) {
            a = net.trainBatch(x, t, labels, n, 9, (from, count) -> { });
        }
        try (var net = new ParallelNetwork(compiled, three, n, 3, targets)) {
            b = net.trainBatch(x, t, labels, n, 9, (from, count) -> { });
        }
        assertEquals(a.correct(), b.correct());
        assertEquals(a.lossSum(), b.lossSum(), 1e-6 * a.lossSum());
        for (int k = 0; k < one.length; k++) {
            assertArrayEquals(one[k], three[k], compiled.parameters().get(k).tensorName());
        }
    }

    private static float[][] train(CompiledNetwork compiled, Dataset train, Dataset heldOut, int epochs) {
        float[][] params = TrainingFixtures.initialParams(compiled, 4);
        return TrainingFixtures.quietTrainer(compiled, TrainingFixtures.config(epochs, 32, 4, 2)).train(params, train, heldOut)
                .parameters();
    }
}
