package cnnc.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Keras-style progress: on a terminal a live bar, redrawn in place at most ten times a second,
 * {@code  57/235 [=======>......................] - ETA: 3s - loss: 0.3120 - accuracy: 0.9061};
 * elsewhere (a log, CI) only the line each epoch ends with.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final boolean live;
    private final int steps;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintWriter out, boolean live, int steps) {
        this.out = out;
        this.live = live;
        this.steps = steps;
    }

    void update(int step, double loss, double accuracy) {
        if (!live) {
            return;
        }
        long now = System.nanoTime();
        if (step < steps && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - start) / 1e9;
        double eta = step == 0 ? 0 : elapsed / step * (steps - step);
        int filled = (int) ((long) WIDTH * step / steps);
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled < WIDTH ? ">" : "=") + ".".repeat(WIDTH - filled);
        String counter = pad(step) + "/" + steps;
        out.printf(Locale.ROOT, "\r%s [%s] - ETA: %s - loss: %.4f - accuracy: %.4f\u001b[K", counter, bar,
                seconds(eta), loss, accuracy);
        out.flush();
    }

    /** Ends the epoch with Keras' summary line, replacing the bar. */
    void finish(String metrics) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (live) {
            out.print("\r\u001b[K");
        }
        out.printf(Locale.ROOT, "%d/%d - %s - %s%n", steps, steps, seconds(elapsed), metrics);
        out.flush();
    }

    private String pad(int step) {
        String s = Integer.toString(step);
        return " ".repeat(Math.max(0, Integer.toString(steps).length() - s.length())) + s;
    }

    static String seconds(double s) {
        if (s < 10) {
            return String.format(Locale.ROOT, "%.1fs", s);
        }
        return Math.round(s) + "s";
    }
}
