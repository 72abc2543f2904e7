package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Which thread runs which slice: every slice once, a thread's own first and in order, the others' after. */
class SliceClaimsTest {

    @Test
    void aThreadTakesItsOwnSlicesInOrderThenTheNextThreadsUntaken() {
        var claims = new SliceClaims(3, 7); // thread 0 owns 0-1, thread 1 owns 2-3, thread 2 owns 4-6
        claims.open(7);
        assertEquals(List.of(2, 3, 4, 5, 6, 0, 1), drain(claims, 1));
        assertEquals(-1, claims.claim(0));
        assertEquals(-1, claims.claim(2));
    }

    @Test
    void aTaskOfFewerSlicesHandsOutOnlyThose() {
        var claims = new SliceClaims(4, 16);
        for (int round = 0; round < 3; round++) {
            claims.open(6); // thread 0 owns 0-3, thread 1 owns 4-5, threads 2 and 3 none
            assertEquals(List.of(0, 1, 2, 3, 4, 5), drain(claims, 3));
        }
        claims.open(16);
        assertEquals(List.of(12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), drain(claims, 3));
    }

    /** Threads of random speeds, many rounds: each slice claimed exactly once a round, whoever gets it. */
    @Test
    void concurrentThreadsClaimEverySliceExactlyOnce() {
        int threads = 6;
        int slices = 23;
        var claims = new SliceClaims(threads, slices);
        try (var crew = new Crew(threads)) {
            for (int round = 0; round < 300; round++) {
                int used = 1 + round % slices;
                var counts = new AtomicIntegerArray(slices);
                claims.open(used);
                long seed = round;
                crew.run(th -> {
                    var random = new Random(seed * 31 + th);
                    for (int s = claims.claim(th); s >= 0; s = claims.claim(th)) {
                        counts.incrementAndGet(s);
                        if (random.nextInt(4) == 0) {
                            spin(random.nextInt(20_000));
                        }
                    }
                });
                for (int s = 0; s < slices; s++) {
                    assertEquals(s < used ? 1 : 0, counts.get(s), "slice " + s + " of " + used + " in round " + round);
                }
            }
        }
    }

    private static List<Integer> drain(SliceClaims claims, int thread) {
        var taken = new ArrayList<Integer>();
        for (int s = claims.claim(thread); s >= 0; s = claims.claim(thread)) {
            taken.add(s);
        }
        return taken;
    }

    private static void spin(int nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
