package cnnc.api;

import cnnc.Frontend;
import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.InferenceGenerator;
import cnnc.codegen.JavaGenerator;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.InMemoryCompiler;
import cnnc.compile.NetworkCompiler;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import cnnc.report.Summary;
import java.util.List;
import java.util.Map;

/**
 * cnnc as a library: the steps of the command line as calls, each taking and returning values.
 *
 * <pre>{@code
 * CheckResult checked = Cnnc.check("lab.cnn", Files.readString(Path.of("lab.cnn")));
 * if (!checked.ok()) {
 *     System.err.print(checked.render());              // file:line:col: error: ... with a caret
 *     return;
 * }
 * Network network = checked.network().orElseThrow();
 * System.out.print(Cnnc.summary(network));              // the layer table
 * List<GeneratedSource> sources = Cnnc.inferenceSources(network, "com.example.digits", "LabNetwork");
 * Map<String, Class<?>> classes = Cnnc.load(sources);   // compiled in memory
 * }</pre>
 *
 * <p>Nothing here throws for a mistake in the source: it comes back as diagnostics. Generating and
 * compiling throw {@link IllegalArgumentException} for a class name Java cannot take, and
 * {@link cnnc.compile.CodeSizeException} for a network whose code HotSpot would not compile.
 */
public final class Cnnc {
    private Cnnc() {}

    /**
     * Parses and checks a {@code .cnn} source.
     *
     * @param name the file's name, used in diagnostics and to name generated classes ({@code lab.cnn}
     *     gives {@code LabNetwork})
     * @param text the source text
     */
    public static CheckResult check(String name, String text) {
        Frontend.Result result = Frontend.compile(new SourceFile(name, text));
        return new CheckResult(result.source(), result.network(), result.diagnostics());
    }

    /** The layer table {@code cnnc summary} prints: shapes, parameters, multiply-accumulates, memory. */
    public static String summary(Network network) {
        return Summary.render(network);
    }

    /**
     * The training class's source: forward, backward and loss over mini-batches, parameters shared
     * between instances ({@code cnnc generate}).
     *
     * @param className null for one derived from the file name
     * @param backend {@link Backend#SCALAR} for plain Java, {@link Backend#VECTOR} for the Vector API
     */
    public static GeneratedSource trainingSource(Network network, String packageName, String className, Backend backend) {
        return JavaGenerator.generate(network, packageName, className, Precision.FLOAT, backend);
    }

    /**
     * The inference class that {@code cnnc build} packs (java.base only) and the weights reader it
     * needs beside it, in that order ({@code cnnc generate --inference}). Its no-argument
     * constructor reads the resource {@code CLASS.safetensors} beside the class; another
     * constructor takes the safetensors bytes as a stream.
     *
     * @param className null for one derived from the file name
     */
    public static List<GeneratedSource> inferenceSources(Network network, String packageName, String className) {
        return InferenceGenerator.sources(network, packageName, className);
    }

    /** Compiles sources together in memory (javac) and loads them: each top-level class by its qualified name. */
    public static Map<String, Class<?>> load(List<GeneratedSource> sources) {
        Map<String, byte[]> classes = InMemoryCompiler.compile(sources);
        ClassLoader loader = InMemoryCompiler.loader(classes);
        var loaded = new java.util.LinkedHashMap<String, Class<?>>();
        for (GeneratedSource source : sources) {
            try {
                loaded.put(source.qualifiedName(), loader.loadClass(source.qualifiedName()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("compiled class missing: " + source.qualifiedName(), e);
            }
        }
        return loaded;
    }

    /**
     * Generates, compiles and loads the training class, with handles to drive it
     * ({@link CompiledNetwork#instantiate}); the trainer of {@code cnnc train} runs on this.
     */
    public static CompiledNetwork compileForTraining(Network network, Backend backend) {
        return NetworkCompiler.compile(network, Precision.FLOAT, backend);
    }
}
