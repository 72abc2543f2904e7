package cnnc.compile;

import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.Precision;
import cnnc.model.Network;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Generate, compile in memory, check method sizes, load: a checked network to a usable class. */
public final class NetworkCompiler {
    private NetworkCompiler() {}

    public static CompiledNetwork compile(Network network, Precision precision) {
        return compile(network, precision, Backend.SCALAR);
    }

    /**
     * With {@link Backend#VECTOR} the class uses the Vector API where it can; this JVM must then
     * have been started with its module ({@link Backend#vectorAvailable()}).
     */
    public static CompiledNetwork compile(Network network, Precision precision, Backend backend) {
        return compile(network, precision, backend, null);
    }

    /**
     * As above, taking the class files from {@code cache} when it has them (null: always javac),
     * and the generated source too when the cache kept it for this network.
     */
    public static CompiledNetwork compile(Network network, Precision precision, Backend backend, ClassCache cache) {
        boolean vectors = JavaGenerator.usesVectors(network, backend);
        if (vectors && !Backend.vectorAvailable()) {
            throw new VectorModuleMissingException();
        }
        List<String> options = InMemoryCompiler.options(vectors);
        List<String> describing = describing(network, precision, backend, options);
        Optional<ClassCache.Kept> kept = cache == null ? Optional.empty() : cache.kept(describing);
        GeneratedSource source;
        Map<String, byte[]> classes;
        if (kept.isPresent()) {
            source = kept.get().source();
            classes = kept.get().classes();
        } else {
            source = JavaGenerator.generate(network, JavaGenerator.DEFAULT_PACKAGE, null, precision, backend);
            List<GeneratedSource> sources = List.of(source);
            classes = cache == null ? InMemoryCompiler.compile(sources, vectors)
                    : cache.classes(sources, options, () -> InMemoryCompiler.compile(sources, vectors));
        }
        byte[] main = classes.get(source.qualifiedName());
        MethodSizeCheck.requireAll(network, List.of(main));
        if (cache != null && kept.isEmpty()) {
            cache.keep(describing, source, classes);
        }
        try {
            Class<?> type = InMemoryCompiler.loader(classes).loadClass(source.qualifiedName());
            return new CompiledNetwork(network, precision, source, main, type, vectors);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled class missing: " + source.qualifiedName(), e);
        }
    }

    /**
     * Everything the generated source and its class files depend on besides cnnc's build: the
     * network (its records print every field, its file's name and text included), the precision,
     * the backend and javac's options.
     */
    static List<String> describing(Network network, Precision precision, Backend backend, List<String> options) {
        return List.of(JavaGenerator.DEFAULT_PACKAGE, precision.name(), backend.name(), String.join(" ", options),
                network.toString());
    }

    public static CompiledNetwork compile(Network network) {
        return compile(network, Precision.FLOAT);
    }
}
