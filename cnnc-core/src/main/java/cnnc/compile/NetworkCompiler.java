package cnnc.compile;

import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.Precision;
import cnnc.model.Network;
import java.util.List;
import java.util.Map;

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

    /** As above, taking the class files from {@code cache} when it has them (null: always javac). */
    public static CompiledNetwork compile(Network network, Precision precision, Backend backend, ClassCache cache) {
        boolean vectors = JavaGenerator.usesVectors(network, backend);
        if (vectors && !Backend.vectorAvailable()) {
            throw new VectorModuleMissingException();
        }
        GeneratedSource source = JavaGenerator.generate(network, JavaGenerator.DEFAULT_PACKAGE, null, precision, backend);
        List<GeneratedSource> sources = List.of(source);
        Map<String, byte[]> classes = cache == null ? InMemoryCompiler.compile(sources, vectors)
                : cache.classes(sources, InMemoryCompiler.options(vectors), () -> InMemoryCompiler.compile(sources, vectors));
        byte[] main = classes.get(source.qualifiedName());
        MethodSizeCheck.requireAll(network, List.of(main));
        try {
            Class<?> type = InMemoryCompiler.loader(classes).loadClass(source.qualifiedName());
            return new CompiledNetwork(network, precision, source, main, type);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled class missing: " + source.qualifiedName(), e);
        }
    }

    public static CompiledNetwork compile(Network network) {
        return compile(network, Precision.FLOAT);
    }
}
