package cnnc.maven;

import cnnc.codegen.InferenceGenerator;
import cnnc.codegen.JavaGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;
import org.apache.maven.plugin.MojoFailureException;

/**
 * A {@code .cnn} file of the source folder and the class it becomes: the package is the folder it
 * lies in under the source folder ({@code src/main/cnn/com/example/digits/lab.cnn} gives
 * {@code com.example.digits}), the class is named as {@code cnnc build} names it ({@code LabNetwork}).
 */
record NetworkFile(Path path, String packageName, String className) {

    /** Every {@code .cnn} file under {@code root}, in path order; none when the folder does not exist. */
    static List<NetworkFile> find(Path root, String defaultPackage) throws MojoFailureException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(p -> p.getFileName().toString().endsWith(".cnn") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new MojoFailureException("cannot list " + root + ": " + e.getMessage(), e);
        }
        var files = new ArrayList<NetworkFile>();
        for (Path path : paths) {
            files.add(of(root, path, defaultPackage));
        }
        return files;
    }

    static NetworkFile of(Path root, Path path, String defaultPackage) throws MojoFailureException {
        Path folder = root.relativize(path).getParent();
        String packageName = folder == null ? defaultPackage : folder.toString().replace(path.getFileSystem().getSeparator(), ".");
        if (!SourceVersion.isName(packageName)) {
            throw new MojoFailureException(path + ": its folder " + (folder == null ? "" : folder + " ") + "gives the package name `"
                    + packageName + "`, which Java does not accept; name the folders under " + root
                    + " as the parts of a Java package, e.g. com/example/digits");
        }
        String className = JavaGenerator.defaultClassName(path.getFileName().toString());
        String problem = InferenceGenerator.nameProblem(className);
        if (problem != null) {
            throw new MojoFailureException(path + ": " + problem + "; rename the file");
        }
        return new NetworkFile(path, packageName, className);
    }

    String qualifiedName() {
        return packageName + "." + className;
    }

    /** Where the class's no-argument constructor looks for its weights, under a resources folder. */
    Path weightsIn(Path resources) {
        return resources.resolve(packageName.replace('.', '/')).resolve(InferenceGenerator.weightsResource(className));
    }
}
