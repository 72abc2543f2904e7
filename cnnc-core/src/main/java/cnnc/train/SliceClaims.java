package cnnc.train;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which thread runs which slice of a batch. Each thread owns a run of consecutive slices and takes
 * them in order, so that from step to step a slice mostly runs on the same core, with its
 * gradients still in that core's cache; a thread that has run its own takes the next untaken slice
 * of the threads after it. A thread the system holds up for a while then delays one slice rather
 * than the whole step.
 */
final class SliceClaims {
    /** Ints between two threads' counters: a cache line each, so that claiming one costs the others nothing. */
    private static final int PAD = 16;

    private final int threads;
    private final int slices;
    private final AtomicIntegerArray next;
    /** Slices in the task being run; written before the crew starts it, which publishes it. */
    private int used;

    SliceClaims(int threads, int slices) {
        this.threads = threads;
        this.slices = slices;
        this.next = new AtomicIntegerArray(threads * PAD);
    }

    /** Readies the claims for a task over the first {@code used} slices; call before the crew runs it. */
    void open(int used) {
        this.used = used;
        for (int t = 0; t < threads; t++) {
            next.set(t * PAD, first(t));
        }
    }

    /** A slice for thread {@code thread} to run: its own next one, else another's; -1 once all are taken. */
    int claim(int thread) {
        for (int k = 0; k < threads; k++) {
            int owner = (thread + k) % threads;
            int end = Math.min(used, first(owner + 1));
            if (next.get(owner * PAD) < end) {
                int s = next.getAndIncrement(owner * PAD);
                if (s < end) {
                    return s;
                }
            }
        }
        return -1;
    }

    /** The first slice thread {@code t} owns. */
    private int first(int t) {
        return (int) ((long) slices * t / threads);
    }
}
