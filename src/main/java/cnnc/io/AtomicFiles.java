package cnnc.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * half-written file (DESIGN 1.5): write a temporary file in the same directory, fsync it, then
 * rename it over the target. A failure at any step deletes the temporary file and leaves the old
 * file untouched.
 */
public final class AtomicFiles {
    /** Produces the content of a file; may throw at any point, which aborts the write. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Creates the target's parent directories if needed; on failure the old file is intact. */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure(target, "cannot create directory " + dir, e);
        }
        Path temp = createTemp(dir, absolute.getFileName().toString(), target);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                // Without the fsync a crash after the rename could leave an empty or partial file.
                channel.force(true);
            }
            move(temp, absolute);
            moved = true;
            syncDirectory(dir);
        } catch (IOException e) {
            throw failure(target, describe(e), e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    // Same directory as the target, so the rename cannot cross file systems. Created with the
    // default permissions (not Files.createTempFile's 0600) because it becomes the final file.
    private static Path createTemp(Path dir, String name, Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw failure(target, "cannot create a temporary file in " + dir, e);
                }
            } catch (IOException e) {
                throw failure(target, "cannot create a temporary file in " + dir + ": " + describe(e), e);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // Makes the rename itself durable. Not every platform can open a directory; that is no error.
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do; the message of the original failure matters more
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException) {
            String reason = ((java.nio.file.FileSystemException) e).getReason();
            if (reason != null) {
                return reason;
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static IOException failure(Path target, String reason, Exception cause) {
        return new IOException("cannot write " + target + ": " + reason + " (any previous " + target.getFileName()
                + " is unchanged)", cause);
    }
}
