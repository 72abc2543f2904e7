package cnnc.embed;

import cnnc.Version;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.InferenceGenerator;
import cnnc.codegen.InferenceOptions;
import cnnc.compile.CodeSizeException;
import cnnc.compile.InMemoryCompiler;
import cnnc.compile.MethodSizeCheck;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.train.ModelFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * The jar {@code cnnc build} writes: a trained network as a library that needs nothing but the JDK.
 *
 * <pre>
 * META-INF/MANIFEST.MF
 * com/example/digits/LabNetwork.class                the inference class and its nested class
 * com/example/digits/LabNetwork$ForwardPass.class
 * com/example/digits/LabNetworkWeights*.class        the weights reader (cnnc.runtime, copied and renamed)
 * com/example/digits/LabNetwork.java                 their sources, for IDEs
 * com/example/digits/LabNetworkWeights.java
 * com/example/digits/LabNetworkWeightsJson.java
 * com/example/digits/LabNetwork.safetensors          the weights, read by the no-argument constructor
 * META-INF/maven/com.example.digits/lab-network/pom.xml         for mvn install:install-file
 * META-INF/maven/com.example.digits/lab-network/pom.properties
 * </pre>
 *
 * <p>Entries carry a fixed time, so the same network, weights and names give the same bytes.
 */
public final class EmbeddedJar {
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private final Network network;
    private final GeneratedSource source;
    /** The sources of the weights reader copied beside the class. */
    private final List<GeneratedSource> runtime;
    private final Map<String, byte[]> classes;
    private final byte[] weights;
    private final MavenCoordinates coordinates;

    private EmbeddedJar(Network network, List<GeneratedSource> sources, Map<String, byte[]> classes, byte[] weights,
            MavenCoordinates coordinates) {
        this.network = network;
        this.source = sources.get(0);
        this.runtime = List.copyOf(sources.subList(1, sources.size()));
        this.classes = new TreeMap<>(classes);
        this.weights = weights;
        this.coordinates = coordinates;
    }

    /**
     * Generates the inference class, compiles it in memory and checks its method sizes.
     *
     * @param params the trained weights, in the order of {@link Parameter#of}
     * @throws CodeSizeException if a generated method is too large for HotSpot's JIT
     */
    public static EmbeddedJar build(Network network, float[][] params, String packageName, String className,
            MavenCoordinates coordinates) {
        return build(network, params, packageName, className, coordinates, InferenceOptions.of(network));
    }

    /** As above, with what the trained model adds: its positive class, its input normalization. */
    public static EmbeddedJar build(Network network, float[][] params, String packageName, String className,
            MavenCoordinates coordinates, InferenceOptions options) {
        List<Parameter> parameters = Parameter.of(network);
        if (params.length != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " weight arrays, not " + params.length);
        }
        for (int i = 0; i < params.length; i++) {
            if (params[i].length != parameters.get(i).size()) {
                throw new IllegalArgumentException(parameters.get(i).tensorName() + " needs " + parameters.get(i).size()
                        + " values, not " + params[i].length);
            }
        }
        List<GeneratedSource> sources = InferenceGenerator.sources(network, packageName, className, options);
        Map<String, byte[]> classes = InMemoryCompiler.compile(sources);
        MethodSizeCheck.requireAll(network, classes.values());
        return new EmbeddedJar(network, sources, classes, ModelFiles.toBytes(network, params), coordinates);
    }

    public GeneratedSource source() {
        return source;
    }

    public MavenCoordinates coordinates() {
        return coordinates;
    }

    /** The compiled classes by binary name ({@code com.example.digits.LabNetwork$ForwardPass}). */
    public Map<String, byte[]> classes() {
        var copy = new TreeMap<String, byte[]>();
        classes.forEach((name, bytes) -> copy.put(name, bytes.clone()));
        return copy;
    }

    public byte[] toBytes() {
        var out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException(e); // cannot happen for a ByteArrayOutputStream
        }
        return out.toByteArray();
    }

    public void writeTo(OutputStream out) throws IOException {
        String dir = source.packageName().replace('.', '/') + "/";
        String maven = "META-INF/maven/" + coordinates.groupId() + "/" + coordinates.artifactId() + "/";
        // Not closed: closing the jar stream would close the caller's stream.
        var jar = new JarOutputStream(out);
        directory(jar, "META-INF/");
        var manifest = new ByteArrayOutputStream();
        manifest().write(manifest);
        file(jar, "META-INF/MANIFEST.MF", manifest.toByteArray());
        String path = "";
        for (String part : dir.split("/")) {
            path += part + "/";
            directory(jar, path);
        }
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            file(jar, c.getKey().replace('.', '/') + ".class", c.getValue());
        }
        file(jar, source.relativePath(), source.code().getBytes(StandardCharsets.UTF_8));
        for (GeneratedSource copied : runtime) {
            file(jar, copied.relativePath(), copied.code().getBytes(StandardCharsets.UTF_8));
        }
        file(jar, dir + InferenceGenerator.weightsResource(source.className()), weights);
        directory(jar, "META-INF/maven/");
        directory(jar, "META-INF/maven/" + coordinates.groupId() + "/");
        directory(jar, maven);
        file(jar, maven + "pom.xml", pom().getBytes(StandardCharsets.UTF_8));
        file(jar, maven + "pom.properties", pomProperties().getBytes(StandardCharsets.UTF_8));
        jar.finish();
        jar.flush();
    }

    private Manifest manifest() {
        var manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Created-By", "cnnc " + Version.VERSION);
        // A stable module name for the module path: the package, as for most single-package libraries.
        main.putValue("Automatic-Module-Name", source.packageName());
        main.put(Attributes.Name.IMPLEMENTATION_TITLE, coordinates.groupId() + ":" + coordinates.artifactId());
        main.put(Attributes.Name.IMPLEMENTATION_VERSION, coordinates.version());
        return manifest;
    }

    String pom() {
        String file = baseName(network.source().name());
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<project xmlns=\"http://maven.apache.org/POM/4.0.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                + "         xsi:schemaLocation=\"http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd\">\n"
                + "  <modelVersion>4.0.0</modelVersion>\n"
                + "  <groupId>" + coordinates.groupId() + "</groupId>\n"
                + "  <artifactId>" + coordinates.artifactId() + "</artifactId>\n"
                + "  <version>" + coordinates.version() + "</version>\n"
                + "  <packaging>jar</packaging>\n"
                + "  <name>" + xml(source.className()) + "</name>\n"
                + "  <description>" + xml("The network of " + file + " with its trained weights, as the class "
                        + source.qualifiedName() + ". Generated by cnnc " + Version.VERSION
                        + "; needs only the JDK (Java 17 or later).") + "</description>\n"
                + "</project>\n";
    }

    String pomProperties() {
        return "# Generated by cnnc " + Version.VERSION + "\n"
                + "groupId=" + coordinates.groupId() + "\n"
                + "artifactId=" + coordinates.artifactId() + "\n"
                + "version=" + coordinates.version() + "\n";
    }

    private static String baseName(String path) {
        String s = path.replace('\\', '/');
        return s.substring(s.lastIndexOf('/') + 1);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void directory(JarOutputStream jar, String name) throws IOException {
        var entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        jar.putNextEntry(entry);
        jar.closeEntry();
    }

    private static void file(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        var entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        jar.putNextEntry(entry);
        jar.write(bytes);
        jar.closeEntry();
    }
}
