package cnnc.compile;

import cnnc.Version;
import cnnc.codegen.GeneratedSource;
import cnnc.io.AtomicFiles;
import cnnc.io.CacheDirectory;
import cnnc.io.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Class files of generated sources kept between runs, so that training, evaluating or predicting
 * with the same network again skips javac, which takes about a second in a fresh JVM. An entry
 * is named by the SHA-256 of everything the class files depend on (the sources, the javac
 * options, cnnc's version and the JVM's), so a changed network or a new Java misses. The cache
 * is only ever a shortcut: an entry that cannot be read or written is compiled again, silently.
 */
public final class ClassCache {
    /** Entries kept; the least recently used go first. */
    static final int CAPACITY = 64;

    private final Path directory;

    public ClassCache(Path directory) {
        this.directory = directory;
    }

    /** The cache under cnnc's cache root ({@link CacheDirectory}). */
    public static ClassCache standard() {
        return new ClassCache(CacheDirectory.root().resolve("classes"));
    }

    /** The class files of {@code sources} compiled with {@code options}: from the cache, or from {@code compile}, then kept. */
    Map<String, byte[]> classes(List<GeneratedSource> sources, List<String> options,
            Supplier<Map<String, byte[]>> compile) {
        Path entry = directory.resolve(key(sources, options) + ".jar");
        Optional<Map<String, byte[]>> cached = read(entry);
        if (cached.isPresent()) {
            return cached.get();
        }
        Map<String, byte[]> classes = compile.get();
        write(entry, classes);
        return classes;
    }

    static String key(List<GeneratedSource> sources, List<String> options) {
        var parts = new ArrayList<String>(List.of(Version.VERSION, System.getProperty("java.vm.version", ""),
                String.join(" ", options)));
        for (GeneratedSource s : sources) {
            parts.add(s.qualifiedName());
            parts.add(s.code());
        }
        return Sha256.ofParts(parts);
    }

    private static Optional<Map<String, byte[]>> read(Path entry) {
        try {
            if (!Files.isRegularFile(entry)) {
                return Optional.empty();
            }
            var classes = new TreeMap<String, byte[]>();
            try (var zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(entry)))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    String name = e.getName();
                    if (!name.endsWith(".class")) {
                        return Optional.empty();
                    }
                    classes.put(name.substring(0, name.length() - ".class".length()), zip.readAllBytes());
                }
            }
            if (classes.isEmpty()) {
                return Optional.empty();
            }
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
            return Optional.of(classes);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or corrupt: compile again, and the write replaces it
        }
    }

    private void write(Path entry, Map<String, byte[]> classes) {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                for (var c : new TreeMap<>(classes).entrySet()) {
                    zip.putNextEntry(new ZipEntry(c.getKey() + ".class"));
                    zip.write(c.getValue());
                    zip.closeEntry();
                }
            }
            Files.createDirectories(directory);
            AtomicFiles.write(entry, bytes.toByteArray());
            prune();
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // a full disk or a read-only home: the next run compiles again
        }
    }

    /** Keeps the {@link #CAPACITY} entries used last. */
    private void prune() throws IOException {
        List<Path> entries;
        try (Stream<Path> files = Files.list(directory)) {
            entries = files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
        }
        if (entries.size() <= CAPACITY) {
            return;
        }
        var byAge = new ArrayList<>(entries);
        byAge.sort(Comparator.comparing(ClassCache::modified).reversed());
        for (Path old : byAge.subList(CAPACITY, byAge.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
