package cnnc.maven;

import cnnc.io.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The SHA-256 of everything a generated class depends on, kept beside the build's output: equal
 * fingerprints mean the class would come out the same, so it is not generated again. The
 * source by content, so that a checkout or a copy does not regenerate everything; the weights,
 * whose metadata the class takes, by size and time, so that an unchanged build does not read them.
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(String... parts) {
        return Sha256.ofParts(List.of(parts));
    }

    /**
     * A file's size and time of last change, or "absent": enough to see that trained weights were
     * replaced without reading them (they can be hundreds of megabytes).
     */
    static String fileState(Path file) {
        try {
            return Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return "absent";
        }
    }

    static boolean matches(Path stamp, String fingerprint) {
        try {
            return Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(fingerprint);
        } catch (IOException e) {
            return false; // unreadable: generate again
        }
    }
}
