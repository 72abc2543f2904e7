package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The pieces that end a training step on every thread at once: the crew that runs them, and
 * optimizers updating ranges of a tensor in any order, which must give the bits of one whole step.
 */
class ParallelStepTest {

    @Test
    void everyThreadRunsEachTaskOnceAndTheCallerWaitsForAll() {
        try (var crew = new Crew(4)) {
            var counts = new AtomicIntegerArray(4);
            for (int round = 0; round < 2_000; round++) {
                crew.run(counts::incrementAndGet);
                for (int i = 0; i < 4; i++) {
                    assertEquals(round + 1, counts.get(i), "thread " + i + " after round " + round);
                }
            }
        }
    }

    @Test
    void aFailureOnAnyThreadReachesTheCallerAndTheCrewGoesOn() {
        try (var crew = new Crew(3)) {
            var e = assertThrows(IllegalStateException.class, () -> crew.run(i -> {
                if (i == 2) {
                    throw new IllegalStateException("thread 2");
                }
            }));
            assertEquals("thread 2", e.getMessage());
            var seen = new AtomicIntegerArray(3);
            crew.run(seen::incrementAndGet);
            assertEquals("[1, 1, 1]", seen.toString());
        }
    }

    @Test
    void optimizersUpdatingRangesInAnyOrderGiveTheBitsOfWholeSteps() {
        List<Supplier<Optimizer>> optimizers = List.of(() -> new RmsProp(0.01, 0.9, 0.5, 1e-7),
                () -> new Adam(0.01, 0.9, 0.999, 1e-7), () -> new Sgd(0.05, 0.9));
        for (Supplier<Optimizer> make : optimizers) {
            var random = new Random(7);
            float[][] whole = {values(random, 37), values(random, 5), values(random, 1000)};
            float[][] ranged = {whole[0].clone(), whole[1].clone(), whole[2].clone()};
            boolean[] trainable = {true, false, true};
            Optimizer a = make.get();
            Optimizer b = make.get();
            for (int step = 0; step < 5; step++) {
                float[][] grads = {values(random, 37), values(random, 5), values(random, 1000)};
                a.step(whole, grads, trainable);
                b.beginStep(ranged);
                var ranges = new ArrayList<int[]>();
                for (int k = 0; k < grads.length; k++) {
                    for (int from = 0; from < grads[k].length; ) {
                        int to = Math.min(grads[k].length, from + 1 + random.nextInt(90));
                        ranges.add(new int[] {k, from, to});
                        from = to;
                    }
                }
                Collections.shuffle(ranges, random);
                for (int[] r : ranges) {
                    if (trainable[r[0]]) {
                        b.update(ranged, grads, r[0], r[1], r[2]);
                    }
                }
            }
            for (int k = 0; k < whole.length; k++) {
                assertArrayEquals(whole[k], ranged[k], a.describe() + " tensor " + k);
            }
        }
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
