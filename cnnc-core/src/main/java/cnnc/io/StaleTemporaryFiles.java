package cnnc.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * Deletes what a killed writer of a file left behind: {@code .NAME.<hex>.tmp} files beside it
 * that nobody holds locked ({@link AtomicFiles} locks its temporary file until the rename), so a
 * model of 90 MB is not left over forever after a kill -9.
 */
final class StaleTemporaryFiles {
    private StaleTemporaryFiles() {}

    static void delete(Path dir, String name) {
        Pattern ours = Pattern.compile("\\." + Pattern.quote(name) + "\\.[0-9a-f]{1,16}\\.tmp");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "." + globSafe(name) + ".*.tmp")) {
            for (Path entry : entries) {
                if (ours.matcher(entry.getFileName().toString()).matches() && Files.isRegularFile(entry) && abandoned(entry)) {
                    AtomicFiles.deleteQuietly(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a leftover we cannot list or delete must not stop the write itself.
        }
    }

    // A writer alive in another process holds the lock; one in this process makes tryLock throw.
    private static boolean abandoned(Path temp) {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException | IOException e) {
            return false;
        }
    }

    // Glob metacharacters in a file name are matched literally; the pattern above decides anyway.
    private static String globSafe(String name) {
        return name.replaceAll("[\\\\*?\\[\\]{}]", "?");
    }
}
