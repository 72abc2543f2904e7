package cnnc.io;

import java.nio.file.Path;

/** Starts writing a file atomically and stalls halfway, for a test to interrupt (a test helper, run as its own JVM). */
final class SlowWriter {
    private SlowWriter() {}

    public static void main(String[] args) throws Exception {
        AtomicFiles.write(Path.of(args[0]), out -> {
            out.write(new byte[1 << 20]);
            out.flush();
            System.out.println("writing");
            System.out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
