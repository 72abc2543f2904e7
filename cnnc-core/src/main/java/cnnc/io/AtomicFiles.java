package cnnc.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a
 * half-written file (DESIGN 1.5): write a temporary file in the same directory, fsync it, then
 * rename it over the target. A failure at any step deletes the temporary file and leaves the old
 * file untouched. Only regular files are replaced: a directory, device, pipe or socket in the way
 * is an error (a rename would replace /dev/null with a file). A symbolic link is written through:
 * its target gets the new content and the link stays.
 *
 * <p>The temporary file is locked while it is written, so a later write of the same file can tell
 * a leftover of a killed process (unlocked) from one another process is still writing, and delete
 * it. A shutdown hook deletes this process's own temporary files on SIGINT or SIGTERM.
 */
public final class AtomicFiles {
    /** Produces the content of a file; may throw at any point, which aborts the write. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> IN_PROGRESS.forEach(AtomicFiles::deleteQuietly),
                "cnnc-temporary-files"));
    }

    private AtomicFiles() {}

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Creates the target's parent directories if needed; on failure the old file is intact. */
    @SuppressWarnings("try") // the lock is held by being open, not by being used
    public static void write(Path target, Content content) throws IOException {
        Path absolute = destination(target);
        Path dir = absolute.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure(target, "cannot create directory " + dir + " (" + IoReasons.of(e) + ")", e);
        }
        String name = absolute.getFileName().toString();
        StaleTemporaryFiles.delete(dir, name);
        Path temp = createTemp(dir, name, target);
        IN_PROGRESS.add(temp);
        boolean moved = false;
        try {
            // The channel stays open, and locked, until after the rename (which Linux allows).
            // The lock is released before the stream closes the channel under it.
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                    FileLock lock = channel.lock()) {
                content.writeTo(out);
                out.flush();
                // Without the fsync a crash after the rename could leave an empty or partial file.
                channel.force(true);
                move(temp, absolute);
                moved = true;
            }
            syncDirectory(dir);
        } catch (IOException e) {
            throw failure(target, IoReasons.of(e), e);
        } finally {
            IN_PROGRESS.remove(temp);
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * Where the content goes: the target itself, or the file a symbolic link points to. Anything
     * but a regular file there is refused before a byte is written.
     */
    public static Path destination(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isSymbolicLink(absolute)) {
            try {
                absolute = absolute.toRealPath();
            } catch (IOException e) {
                throw failure(target, "it is a symbolic link to " + Files.readSymbolicLink(absolute)
                        + ", which does not exist", e);
            }
        }
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS)) {
            String what = Files.isDirectory(absolute) ? "a directory" : "not a regular file (a device, pipe or socket)";
            throw new IOException("cannot write " + target + ": it is " + what + "; cnnc writes only regular files");
        }
        return absolute;
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
                throw failure(target, "cannot create a temporary file in " + dir + ": " + IoReasons.of(e), e);
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

    static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do; the message of the original failure matters more
        }
    }

    private static IOException failure(Path target, String reason, Exception cause) {
        return new IOException("cannot write " + target + ": " + reason + " (any previous " + target.getFileName()
                + " is unchanged)", cause);
    }
}
