package cnnc.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.Precision;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A network compiled again in the same build takes its source and classes from the cache. */
class KeptNetworkTest {
    private static final String LAB = """
            input 28x28x1
            conv 10 3x3 relu
            pool 2x2
            flatten
            dense 10 softmax
            """;

    @TempDir
    Path dir;

    private static Network parse(String name, String text) {
        return Frontend.compile(new SourceFile(name, text)).network().orElseThrow();
    }

    private static List<String> describing(Network network, Backend backend) {
        return NetworkCompiler.describing(network, Precision.FLOAT, backend, InMemoryCompiler.options(false));
    }

    @Test
    void theSecondCompileFindsTheKeptSourceAndClasses() throws Exception {
        var cache = new ClassCache(dir, Optional.of("build 1"));
        Network network = parse("lab.cnn", LAB);
        CompiledNetwork first = NetworkCompiler.compile(network, Precision.FLOAT, Backend.SCALAR, cache);
        ClassCache.Kept kept = cache.kept(describing(network, Backend.SCALAR)).orElseThrow();
        assertEquals(first.source(), kept.source());
        assertEquals(JavaGenerator.generate(network, JavaGenerator.DEFAULT_PACKAGE, null, Precision.FLOAT, Backend.SCALAR),
                kept.source(), "the kept source is the one the generator writes");

        // mark the kept source: the second compile must return it, not generate the source again
        var marked = new GeneratedSource(kept.source().packageName(), kept.source().className(),
                kept.source().code() + "// kept\n");
        cache.keep(describing(network, Backend.SCALAR), marked, kept.classes());
        CompiledNetwork second = NetworkCompiler.compile(parse("lab.cnn", LAB), Precision.FLOAT, Backend.SCALAR, cache);
        assertEquals(marked, second.source());
        assertArrayEquals(first.classFile(), second.classFile());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "one entry by source, one by network");
        }
    }

    @Test
    void theDescriptionIsTheSameForTheSameFileAndDiffersForAnyChange() {
        List<String> lab = describing(parse("lab.cnn", LAB), Backend.SCALAR);
        assertEquals(lab, describing(parse("lab.cnn", LAB), Backend.SCALAR), "no identity hashes in the records");
        assertNotEquals(lab, describing(parse("lab.cnn", LAB), Backend.VECTOR));
        assertNotEquals(lab, describing(parse("lab2.cnn", LAB), Backend.SCALAR), "the class is named after the file");
        assertNotEquals(lab, describing(parse("lab.cnn", LAB.replace("conv 10", "conv 11")), Backend.SCALAR));
        assertNotEquals(lab, describing(parse("lab.cnn", LAB.replace("relu", "tanh")), Backend.SCALAR));
        assertNotEquals(lab, describing(parse("lab.cnn", LAB + "# a comment\n"), Backend.SCALAR),
                "generated comments quote the file");
        assertTrue(NetworkCompiler.describing(parse("lab.cnn", LAB), Precision.DOUBLE, Backend.SCALAR,
                InMemoryCompiler.options(false)).contains(Precision.DOUBLE.name()));
    }
}
