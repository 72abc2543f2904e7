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
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>A second kind of entry also keeps the source, named by what the source depends on instead
 * (the network and the generator's settings), so that a run finds it before generating the source
 * (a few tenths of a second in a fresh JVM). Those names include the build of cnnc that runs,
 * since a changed generator makes other sources from the same network; where that build cannot
 * be named (cnnc's classes are not in a jar), this kind of entry is neither read nor written.
 */
public final class ClassCache {
    /** Entries kept; the least recently used go first. */
    static final int CAPACITY = 64;

    private final Path directory;
    /** Names the running build of cnnc, for entries kept by network; empty: none are kept. */
    private final Optional<String> build;

    public ClassCache(Path directory) {
        this(directory, Optional.empty());
    }

    ClassCache(Path directory, Optional<String> build) {
        this.directory = directory;
        this.build = build;
    }

    /** The cache under cnnc's cache root ({@link CacheDirectory}), for the build that runs. */
    public static ClassCache standard() {
        return new ClassCache(CacheDirectory.root().resolve("classes"), buildOf(ClassCache.class));
    }

    /** A generated source and its class files, as kept for a network. */
    record Kept(GeneratedSource source, Map<String, byte[]> classes) {}

    /** What an earlier run of this build kept ({@link #keep}) for the network {@code describing} describes. */
    Optional<Kept> kept(List<String> describing) {
        if (build.isEmpty()) {
            return Optional.empty();
        }
        return read(directory.resolve(keptKey(describing) + ".jar"))
                .filter(entry -> entry.source().isPresent())
                .map(entry -> new Kept(entry.source().get(), entry.classes()));
    }

    /** Keeps {@code source} and its classes for a later {@link #kept} with the same description. */
    void keep(List<String> describing, GeneratedSource source, Map<String, byte[]> classes) {
        if (build.isPresent()) {
            write(directory.resolve(keptKey(describing) + ".jar"), Optional.of(source), classes);
        }
    }

    String keptKey(List<String> describing) {
        var parts = new ArrayList<String>(List.of("kept", Version.VERSION, System.getProperty("java.vm.version", ""),
                build.orElseThrow()));
        parts.addAll(describing);
        return Sha256.ofParts(parts);
    }

    /**
     * Names the build that {@code type} comes from: its jar's name, size and time of writing, which
     * any rebuild changes; empty where the class is not in a jar (a classes folder during
     * development), whose contents can change under the same name.
     */
    static Optional<String> buildOf(Class<?> type) {
        try {
            var codeSource = type.getProtectionDomain().getCodeSource();
            if (codeSource == null || codeSource.getLocation() == null) {
                return Optional.empty();
            }
            Path location = Path.of(codeSource.getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                return Optional.empty();
            }
            return Optional.of(location.toAbsolutePath() + " " + Files.size(location) + " "
                    + Files.getLastModifiedTime(location).toMillis());
        } catch (IOException | RuntimeException | URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The class files of {@code sources} compiled with {@code options}: from the cache, or from {@code compile}, then kept. */
    Map<String, byte[]> classes(List<GeneratedSource> sources, List<String> options,
            Supplier<Map<String, byte[]>> compile) {
        Path entry = directory.resolve(key(sources, options) + ".jar");
        Optional<Entry> cached = read(entry);
        if (cached.isPresent()) {
            return cached.get().classes();
        }
        Map<String, byte[]> classes = compile.get();
        write(entry, Optional.empty(), classes);
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

    /** An entry's class files by binary name, and its source where it keeps one. */
    private record Entry(Map<String, byte[]> classes, Optional<GeneratedSource> source) {}

    private static Optional<Entry> read(Path entry) {
        try {
            if (!Files.isRegularFile(entry)) {
                return Optional.empty();
            }
            var classes = new TreeMap<String, byte[]>();
            GeneratedSource source = null;
            try (var zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(entry)))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    String name = e.getName();
                    if (name.endsWith(".class")) {
                        classes.put(name.substring(0, name.length() - ".class".length()), zip.readAllBytes());
                    } else if (name.endsWith(".java") && source == null) {
                        source = sourceAt(name, new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                    } else {
                        return Optional.empty();
                    }
                }
            }
            if (classes.isEmpty() || source != null && !classes.containsKey(source.qualifiedName())) {
                return Optional.empty();
            }
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
            return Optional.of(new Entry(classes, Optional.ofNullable(source)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or corrupt: compile again, and the write replaces it
        }
    }

    /** The source kept as {@code cnnc/generated/LabNetwork.java} ({@link GeneratedSource#relativePath}). */
    private static GeneratedSource sourceAt(String path, String code) {
        String qualified = path.substring(0, path.length() - ".java".length()).replace('/', '.');
        int dot = qualified.lastIndexOf('.');
        return new GeneratedSource(dot < 0 ? "" : qualified.substring(0, dot), qualified.substring(dot + 1), code);
    }

    private void write(Path entry, Optional<GeneratedSource> source, Map<String, byte[]> classes) {
        try {
            var bytes = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(bytes)) {
                if (source.isPresent()) {
                    zip.putNextEntry(new ZipEntry(source.get().relativePath()));
                    zip.write(source.get().code().getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
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
