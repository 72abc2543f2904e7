package cnnc.codegen;

import cnnc.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The embedded runtime: ordinary, tested Java under {@code cnnc.runtime} that the build also keeps
 * as source, copied beside a generated inference class into its package and renamed after it
 * ({@code WeightsReader} becomes {@code LabNetworkWeights}, {@code HeaderJson}
 * {@code LabNetworkWeightsJson}), so that networks built by different versions of cnnc never
 * share a class.
 */
public final class RuntimeSource {
    private static final String PACKAGE = "cnnc.runtime";
    private static final String READER = "WeightsReader";
    private static final String JSON = "HeaderJson";

    private RuntimeSource() {}

    /** The weights reader for the inference class {@code className} in {@code packageName}: its source files. */
    public static List<GeneratedSource> weightsReader(String packageName, String className) {
        String reader = InferenceGenerator.weightsReaderName(className);
        return List.of(copy(READER, reader, packageName, className), copy(JSON, reader + "Json", packageName, className));
    }

    private static GeneratedSource copy(String original, String name, String packageName, String className) {
        String reader = InferenceGenerator.weightsReaderName(className);
        String code = original(original)
                .replace("package " + PACKAGE + ";\n", packageName.isEmpty() ? "" : "package " + packageName + ";\n")
                .replaceAll("\\b" + JSON + "\\b", reader + "Json")
                .replaceAll("\\b" + READER + "\\b", reader);
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
