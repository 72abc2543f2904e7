package cnnc.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of everything a generated class depends on, kept beside the build's output: equal
 * fingerprints mean the class would come out the same, so it is not generated again. Content,
 * not file times, so that a checkout or a copy does not regenerate everything.
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(String... parts) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
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
