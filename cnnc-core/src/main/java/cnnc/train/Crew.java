package cnnc.train;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads that run one task together, each with its index, and wait for each
 * other at its end: the fork and join of every training step. A step's work per thread can be
 * a fraction of a millisecond, about what waking a parked thread costs, so between tasks the
 * threads spin a little before they park, and a step that follows another wakes none of them.
 */
final class Crew implements AutoCloseable {
    /** About fifty microseconds of spinning before a thread parks. */
    private static final int SPINS = 1 << 14;

    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile IntConsumer task;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** A crew of {@code size} threads, the caller of {@link #run} among them. */
    Crew(int size) {
        workers = new Thread[size - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = new Thread(() -> work(index), "cnnc-train-" + index);
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    int size() {
        return workers.length + 1;
    }

    /** Runs {@code task} for indices 0 (on the calling thread) to size - 1, and returns when all are done. */
    void run(IntConsumer task) {
        if (workers.length == 0) {
            task.accept(0);
            return;
        }
        failure = null;
        this.task = task;
        pending.set(workers.length);
        generation++; // publishes the task
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        try {
            task.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int spins = 0; pending.get() > 0; spins++) {
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Throwable failed = failure;
        if (failed instanceof RuntimeException e) {
            throw e;
        } else if (failed instanceof Error e) {
            throw e;
        }
    }

    private void work(int index) {
        int seen = 0;
        while (true) {
            for (int spins = 0; generation == seen && !closed; spins++) {
                if (spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                task.accept(index);
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
