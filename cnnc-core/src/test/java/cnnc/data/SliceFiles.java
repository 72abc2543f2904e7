package cnnc.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The MNIST slice shipped in src/test/resources/mnist-slice, as files and as raw bytes. */
final class SliceFiles {
    private SliceFiles() {}

    static Path dir() {
        try {
            return Path.of(SliceFiles.class.getResource("/mnist-slice/README.txt").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path gz(String name) {
        return dir().resolve(name + ".gz");
    }

    /** The decompressed bytes, read with the JDK alone (independent of IdxReader). */
    static byte[] raw(String name) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz(name)))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
