package cnnc.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws IOException {
        Path file = dir.resolve("sub/dir/out.txt");
        AtomicFiles.write(file, "first".getBytes(StandardCharsets.UTF_8));
        assertEquals("first", Files.readString(file));
        AtomicFiles.write(file, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
        assertEquals("second", Files.readString(file));
        assertEquals(List.of("out.txt"), names(file.getParent()));
    }

    @Test
    void aWriterThatFailsMidwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old model");
        var e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[1 << 20]); // more than the buffer, so part of it reached the temporary file
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + file + ": No space left on device (any previous model.safetensors is unchanged)",
                e.getMessage());
        assertEquals("old model", Files.readString(file));
        assertEquals(List.of("model.safetensors"), names(dir));
    }

    @Test
    void aRuntimeFailureAlsoCleansUp() throws IOException {
        Path file = dir.resolve("history.csv");
        Files.writeString(file, "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(file, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the writer");
        }));
        assertEquals("old", Files.readString(file));
        assertEquals(List.of("history.csv"), names(dir));
    }

    @Test
    void aFailedWriteOfANewFileLeavesNothing() {
        Path file = dir.resolve("new.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            throw new IOException("boom");
        }));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void aDirectoryInTheWayIsAClearError() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file, not a directory");
        var e = assertThrows(IOException.class, () -> AtomicFiles.write(blocker.resolve("x.bin"), new byte[] {1}));
        assertTrue(e.getMessage().startsWith("cannot write " + blocker.resolve("x.bin") + ": cannot create directory"),
                e.getMessage());
    }

    @Test
    void aDeviceIsNeverReplaced() {
        Path devNull = Path.of("/dev/null");
        var e = assertThrows(IOException.class, () -> AtomicFiles.write(devNull, new byte[] {1}));
        assertEquals("cannot write /dev/null: it is not a regular file (a device, pipe or socket); cnnc writes only regular files",
                e.getMessage());
        assertTrue(!Files.isRegularFile(devNull) && Files.exists(devNull), "/dev/null is still the device");
    }

    @Test
    void aDirectoryIsNeverReplaced() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("model.safetensors"));
        var e = assertThrows(IOException.class, () -> AtomicFiles.write(folder, new byte[] {1}));
        assertTrue(e.getMessage().endsWith("it is a directory; cnnc writes only regular files"), e.getMessage());
        assertTrue(Files.isDirectory(folder));
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStays() throws IOException {
        Path real = dir.resolve("real.bin");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.bin"), real.getFileName());
        AtomicFiles.write(link, "new".getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
        var e = assertThrows(IOException.class, () -> AtomicFiles.write(dangling, new byte[] {1}));
        assertTrue(e.getMessage().contains("it is a symbolic link to " + dir.resolve("nowhere") + ", which does not exist"), e.getMessage());
    }

    @Test
    void aKilledWritersTemporaryFileIsDeletedByTheNextWrite() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Path leftover = Files.writeString(dir.resolve(".model.safetensors.1f2e3d4c5b6a7980.tmp"), "half a model");
        Path otherFiles = Files.writeString(dir.resolve(".history.csv.12ab.tmp"), "not this file's");
        AtomicFiles.write(file, new byte[] {1});
        assertEquals(List.of(".history.csv.12ab.tmp", "model.safetensors"), names(dir));
        assertTrue(Files.exists(otherFiles) && !Files.exists(leftover));
    }

    @Test
    void aTemporaryFileStillBeingWrittenIsLeftAlone() throws IOException {
        Path file = dir.resolve("history.csv");
        Path busy = dir.resolve(".history.csv.abc.tmp");
        try (var channel = java.nio.channels.FileChannel.open(busy, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var lock = channel.lock()) {
            AtomicFiles.write(file, new byte[] {1});
            assertTrue(Files.exists(busy), "a locked temporary file belongs to a live writer");
        }
    }

    @Test
    void sigtermWhileWritingLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("model.safetensors");
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"), SlowWriter.class.getName(),
                file.toString()).redirectErrorStream(true).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("writing", lines.readLine());
            assertEquals(1, names(dir).size(), "the temporary file is there while it is written: " + names(dir));
            writer.destroy(); // SIGTERM, as kill or a service manager sends
            assertTrue(writer.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            writer.destroyForcibly();
        }
        assertEquals(List.of(), names(dir), "the shutdown hook deleted the temporary file");
    }

    @Test
    void keepsBytesExactly() throws IOException {
        byte[] bytes = new byte[200_000];
        new java.util.Random(1).nextBytes(bytes);
        Path file = dir.resolve("blob");
        AtomicFiles.write(file, bytes);
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    private static List<String> names(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
