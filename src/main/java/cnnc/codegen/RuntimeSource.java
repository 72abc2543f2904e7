package cnnc.codegen;

import cnnc.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The embedded runtime: ordinary, tested Java under {@code cnnc.runtime} that the build also keeps
 * as source, copied beside a generated inference class into its package and renamed after it
 * ({@code WeightsReader} becomes {@code LabNetworkWeights}), so that networks built by different
 * versions of cnnc never share a class.
 */
public final class RuntimeSource {
    private static final String PACKAGE = "cnnc.runtime";
    private static final String READER = "WeightsReader";

    private RuntimeSource() {}

    /** The weights reader for the inference class {@code className} in {@code packageName}. */
    public static GeneratedSource weightsReader(String packageName, String className) {
        String name = InferenceGenerator.weightsReaderName(className);
        String code = original(READER)
                .replace("package " + PACKAGE + ";\n", packageName.isEmpty() ? "" : "package " + packageName + ";\n")
                .replaceAll("\\b" + READER + "\\b", name);
        String header = "// Copied by cnnc " + Version.VERSION + " beside " + className
                + ", which reads its weights with it. Do not edit.\n";
        return new GeneratedSource(packageName, name, header + code);
    }

    private static String original(String className) {
        String resource = "/" + PACKAGE.replace('.', '/') + "/" + className + ".java";
        try (InputStream in = RuntimeSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the runtime source " + resource + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
