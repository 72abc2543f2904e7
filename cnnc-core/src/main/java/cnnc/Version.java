package cnnc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The compiler's version, as the build wrote it into {@code cnnc/version.properties}: model files,
 * generated sources and built jars record it. A class of its own so that every stage can read it
 * without depending on the command line.
 */
public final class Version {
    /** The version, e.g. {@code 0.1.0}. */
    public static final String VERSION = read();

    private Version() {}

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("cnnc/version.properties is missing from the build");
            }
            var properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            if (version.isEmpty() || version.startsWith("${")) {
                throw new IllegalStateException("cnnc/version.properties was not filled in by the build: " + version);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
