package cnnc.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.codegen.GeneratedSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassCacheTest {
    private static final List<GeneratedSource> SOURCES = List.of(new GeneratedSource("p", "A", "package p; public class A {}"));
    private static final List<String> OPTIONS = List.of("-g");

    @TempDir
    Path dir;

    private final AtomicInteger compilations = new AtomicInteger();

    private Map<String, byte[]> compile() {
        compilations.incrementAndGet();
        return InMemoryCompiler.compile(SOURCES);
    }

    @Test
    void aSecondRequestIsServedFromTheCacheWithTheSameBytes() {
        var cache = new ClassCache(dir);
        Map<String, byte[]> first = cache.classes(SOURCES, OPTIONS, this::compile);
        Map<String, byte[]> second = new ClassCache(dir).classes(SOURCES, OPTIONS, this::compile);
        assertEquals(1, compilations.get());
        assertEquals(first.keySet(), second.keySet());
        assertArrayEquals(first.get("p.A"), second.get("p.A"));
    }

    @Test
    void anotherSourceOrOtherOptionsMiss() {
        var other = List.of(new GeneratedSource("p", "A", "package p; public class A { int x; }"));
        assertNotEquals(ClassCache.key(SOURCES, OPTIONS), ClassCache.key(other, OPTIONS));
        assertNotEquals(ClassCache.key(SOURCES, OPTIONS), ClassCache.key(SOURCES, List.of("-g:none")));
    }

    @Test
    void aCorruptEntryIsCompiledAgainAndReplaced() throws Exception {
        var cache = new ClassCache(dir);
        cache.classes(SOURCES, OPTIONS, this::compile);
        Path entry = dir.resolve(ClassCache.key(SOURCES, OPTIONS) + ".jar");
        Files.write(entry, new byte[] {'P', 'K', 3, 4, 0, 0});
        Map<String, byte[]> again = cache.classes(SOURCES, OPTIONS, this::compile);
        assertEquals(2, compilations.get());
        assertTrue(again.containsKey("p.A"));
        cache.classes(SOURCES, OPTIONS, this::compile);
        assertEquals(2, compilations.get(), "the replaced entry serves the next request");
    }

    @Test
    void aCacheThatCannotBeWrittenOnlyCostsTheCompilation() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "");
        var cache = new ClassCache(file.resolve("classes"));
        assertTrue(cache.classes(SOURCES, OPTIONS, this::compile).containsKey("p.A"));
        assertTrue(cache.classes(SOURCES, OPTIONS, this::compile).containsKey("p.A"));
        assertEquals(2, compilations.get());
    }

    @Test
    void onlyTheEntriesUsedLastAreKept() throws Exception {
        var cache = new ClassCache(dir);
        for (int i = 0; i < ClassCache.CAPACITY + 5; i++) {
            var source = List.of(new GeneratedSource("p", "A", "package p; public class A { int x" + i + "; }"));
            cache.classes(source, OPTIONS, () -> InMemoryCompiler.compile(source));
        }
        try (var files = Files.list(dir)) {
            assertEquals(ClassCache.CAPACITY, files.filter(p -> p.toString().endsWith(".jar")).count());
        }
    }

    private static final List<String> NETWORK = List.of("a network", "its settings");

    @Test
    void aKeptSourceIsFoundByItsNetworkInTheSameBuildOnly() {
        Map<String, byte[]> classes = compile();
        GeneratedSource source = SOURCES.get(0);
        new ClassCache(dir, Optional.of("build 1")).keep(NETWORK, source, classes);

        ClassCache.Kept kept = new ClassCache(dir, Optional.of("build 1")).kept(NETWORK).orElseThrow();
        assertEquals(source, kept.source());
        assertArrayEquals(classes.get("p.A"), kept.classes().get("p.A"));
        assertTrue(new ClassCache(dir, Optional.of("build 2")).kept(NETWORK).isEmpty(), "a rebuilt generator misses");
        assertTrue(new ClassCache(dir, Optional.of("build 1")).kept(List.of("another network")).isEmpty());
    }

    @Test
    void withoutANamedBuildNothingIsKeptByNetwork() throws Exception {
        var cache = new ClassCache(dir);
        cache.keep(NETWORK, SOURCES.get(0), compile());
        assertTrue(cache.kept(NETWORK).isEmpty());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aKeptEntryThatLacksItsClassOrIsCorruptMisses() throws Exception {
        var cache = new ClassCache(dir, Optional.of("build 1"));
        Map<String, byte[]> classes = compile();
        cache.keep(NETWORK, new GeneratedSource("p", "B", "package p; public class B {}"), classes);
        assertTrue(cache.kept(NETWORK).isEmpty(), "the source names a class the entry does not hold");
        cache.keep(NETWORK, SOURCES.get(0), classes);
        Path entry = dir.resolve(cache.keptKey(NETWORK) + ".jar");
        byte[] whole = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertTrue(cache.kept(NETWORK).isEmpty(), "a truncated entry");
    }

    @Test
    void aBuildIsNamedByItsJarAndNotByAFolderOfClasses() throws Exception {
        assertTrue(ClassCache.buildOf(ClassCacheTest.class).isEmpty(), "test classes live in a folder");
        assertTrue(ClassCache.buildOf(String.class).isEmpty(), "the JDK's classes have no code source");
        assertTrue(ClassCache.buildOf(org.junit.jupiter.api.Test.class).orElseThrow().contains(".jar "));
    }
}
