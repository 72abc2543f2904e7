package cnnc.compile;

import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources with the JDK's javac (javax.tools), entirely in memory: sources are
 * strings, class files are byte arrays, and nothing touches the disk. Generated code must compile
 * cleanly under {@code -Xlint:all -Werror}.
 */
public final class InMemoryCompiler {
    public static final List<String> OPTIONS = List.of("--release", "17", "-proc:none", "-Xlint:all", "-Werror", "-g");

    /**
     * For code that uses the Vector API. javac always warns that the module is incubating and has
     * no switch to silence it, so -Werror goes and {@link #compile} rejects any other warning.
     */
    static final List<String> VECTOR_OPTIONS = List.of("--release", "17", "-proc:none", "-Xlint:all", "-g",
            "--add-modules", Backend.VECTOR_MODULE);

    private static final String INCUBATING_WARNING = "compiler.warn.incubating.modules";
    /** javac's "code too large", "too many constants" and the like: the class file's limits. */
    private static final String CLASS_LIMIT = "compiler.err.limit.";

    private InMemoryCompiler() {}

    /** The javac options for code with or without the Vector API. */
    static List<String> options(boolean vectors) {
        return vectors ? VECTOR_OPTIONS : OPTIONS;
    }

    /** Class files by binary name ({@code cnnc.generated.LabNetwork}). */
    public static Map<String, byte[]> compile(List<GeneratedSource> sources) {
        return compile(sources, false);
    }

    /** As {@link #compile(List)}; {@code vectors} adds the Vector API's incubator module. */
    public static Map<String, byte[]> compile(List<GeneratedSource> sources, boolean vectors) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new CompilerUnavailableException();
        }
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        var units = new ArrayList<JavaFileObject>();
        for (GeneratedSource s : sources) {
            units.add(new SourceObject(s));
        }
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
        var classes = new HashMap<String, ByteArrayOutputStream>();
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) {
                var bytes = new ByteArrayOutputStream();
                classes.put(className, bytes);
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return bytes;
                    }
                };
            }
        };
        boolean ok = javac.getTask(null, manager, diagnostics, options(vectors), null, units).call();
        boolean warned = diagnostics.getDiagnostics().stream()
                .anyMatch(d -> d.getKind() != Diagnostic.Kind.NOTE && !INCUBATING_WARNING.equals(d.getCode()));
        diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR && d.getCode() != null && d.getCode().startsWith(CLASS_LIMIT))
                .findFirst()
                .ifPresent(d -> {
                    throw new ClassTooLargeException(d.getMessage(Locale.ROOT));
                });
        if (!ok || warned) {
            var message = new StringBuilder("javac rejected the generated code (a bug in cnnc):");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                message.append("\n  ").append(d.getSource() == null ? "" : d.getSource().getName() + ":")
                        .append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT));
            }
            throw new CompilationFailedException(message.toString());
        }
        var out = new HashMap<String, byte[]>();
        classes.forEach((name, bytes) -> out.put(name, bytes.toByteArray()));
        return out;
    }

    /** Loads compiled classes; their parent is cnnc's own loader, though they need only java.base. */
    public static ClassLoader loader(Map<String, byte[]> classes) {
        return new ClassLoader(InMemoryCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
    }

    private static final class SourceObject extends SimpleJavaFileObject {
        private final String code;

        SourceObject(GeneratedSource source) {
            super(URI.create("string:///" + source.relativePath()), Kind.SOURCE);
            this.code = source.code();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
