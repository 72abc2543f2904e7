package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How a batch is cut into slices, and that the threads' taking them in any order leaves the same bits. */
class ParallelSlicesTest {

    @Test
    void fewWeightsGetUpToFourSlicesAThreadOfFourExamplesOrMore() {
        assertEquals(1, ParallelNetwork.slices(256, 1, 9_000));
        assertEquals(64, ParallelNetwork.slices(256, 16, 9_000)); // 16 examples a thread: four slices of 4
        assertEquals(32, ParallelNetwork.slices(256, 8, 9_000));
        assertEquals(32, ParallelNetwork.slices(128, 16, 9_000)); // 8 a thread: two slices of 4
        assertEquals(16, ParallelNetwork.slices(48, 16, 9_000)); // 3 a thread: one slice each
    }

    @Test
    void manyWeightsKeepOneSliceAThreadSoThatTheStepsEndStaysCheap() {
        assertEquals(8, ParallelNetwork.slices(128, 8, 545_000)); // the course MLP
        assertEquals(16, ParallelNetwork.slices(128, 16, 545_000));
        assertEquals(2, ParallelNetwork.slices(256, 2, 545_000)); // four copies would pass 2^21 values
    }

    /**
     * Steps in which random slices are held up, so that other threads take them, give the bits of
     * steps in which none is: each slice's sums come from its own instance, and the step adds them
     * in slice order.
     */
    @Test
    void theBitsDoNotDependOnWhichThreadRanWhichSlice() {
        CompiledNetwork compiled = TrainingFixtures.compile(TrainingFixtures.LAB);
        Dataset data = TrainingFixtures.slice().train();
        float[][] calm = train(compiled, data, -1);
        float[][] heldUp = train(compiled, data, 11);
        float[][] otherwise = train(compiled, data, 12);
        for (int k = 0; k < calm.length; k++) {
            String tensor = compiled.parameters().get(k).tensorName();
            assertArrayEquals(calm[k], heldUp[k], tensor);
            assertArrayEquals(calm[k], otherwise[k], tensor);
        }
    }

    /** Four steps of 64 examples on 4 threads (16 slices); with a seed, a slice in three is held up for up to a millisecond. */
    private static float[][] train(CompiledNetwork compiled, Dataset data, long delays) {
        int batch = 64;
        float[][] params = TrainingFixtures.initialParams(compiled, 3);
        Targets targets = Targets.of(compiled.network(), 10, 0);
        float[] encoded = Trainer.encode(data, targets);
        boolean[] trainable = new boolean[params.length];
        Arrays.fill(trainable, true);
        var updates = new Trainer.Updates(new RmsProp(0.001, 0.9, 0, 1e-7), new Regularization(compiled.parameters()),
                trainable);
        int inputs = data.imageSize();
        float[] x = new float[batch * inputs];
        float[] t = new float[batch * 10];
        int[] labels = new int[batch];
        try (var net = new ParallelNetwork(compiled, params, batch, 4, targets)) {
            assertEquals(64, net.capacity());
            for (int step = 0; step < 4; step++) {
                int first = step * batch;
                long stepSeed = delays * 100 + step;
                Trainer.step(net, params, updates, x, t, labels, batch, step, (from, count) -> {
                    if (delays >= 0) {
                        var random = new SplittableRandom(stepSeed * 1000 + from);
                        if (random.nextInt(3) == 0) {
                            long end = System.nanoTime() + random.nextInt(1_000_000);
                            while (System.nanoTime() < end) {
                                Thread.onSpinWait();
                            }
                        }
                    }
                    System.arraycopy(data.images(), (first + from) * inputs, x, from * inputs, count * inputs);
                    System.arraycopy(encoded, (first + from) * 10, t, from * 10, count * 10);
                    System.arraycopy(data.labels(), first + from, labels, from, count);
                });
            }
        }
        return params;
    }
}
