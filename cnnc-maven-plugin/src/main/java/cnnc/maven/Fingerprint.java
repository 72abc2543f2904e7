package cnnc.maven;

import cnnc.io.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The SHA-256 of everything a generated class depends on, kept beside the build's output: equal
 * fingerprints mean the class would come out the same, so it is not generated again. Content,
 * not file times, so that a checkout or a copy does not regenerate everything.
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(String... parts) {
        return Sha256.ofParts(List.of(parts));
    }

    static boolean matches(Path stamp, String fingerprint) {
        try {
            return Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(fingerprint);
        } catch (IOException e) {
            return false; // unreadable: generate again
        }
    }
}
