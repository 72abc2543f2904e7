package cnnc.io;

import java.nio.file.Path;
import java.util.Map;

/**
 * cnnc's cache root, where MNIST and compiled classes are kept between runs: {@code $CNNC_CACHE}
 * if set, else {@code $XDG_CACHE_HOME/cnnc} (the XDG base directory spec ignores relative
 * values), else {@code ~/.cache/cnnc}.
 */
public final class CacheDirectory {
    private CacheDirectory() {}

    public static Path root(Map<String, String> env, String userHome) {
        String cnnc = env.get("CNNC_CACHE");
        if (cnnc != null && !cnnc.isEmpty()) {
            return Path.of(cnnc);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "cnnc");
        }
        return Path.of(userHome, ".cache", "cnnc");
    }

    /** The root of this process's environment. */
    public static Path root() {
        return root(System.getenv(), System.getProperty("user.home"));
    }
}
