package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate writes the training class, or with --inference the embeddable class and its reader, ready to compile. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void inferenceWritesTheClassAndItsWeightsReaderWhichCompileAlone() throws Exception {
        Path cnn = Files.writeString(dir.resolve("tiny.cnn"), "input 3\ndense 2 softmax\n");
        Path src = dir.resolve("src");
        Run r = run("generate", cnn.toString(), "-d", src.toString(), "--package", "app.nets", "--inference");
        assertEquals(0, r.code(), r.err());
        Path main = src.resolve("app/nets/TinyNetwork.java");
        List<Path> written = List.of(main, src.resolve("app/nets/TinyNetworkWeights.java"),
                src.resolve("app/nets/TinyNetworkWeightsJson.java"));
        for (Path file : written) {
            assertTrue(r.out().contains("wrote " + file), r.out());
        }
        assertTrue(Files.readString(main).contains("public TinyNetwork(InputStream weights) throws IOException"));

        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        String[] javac = Stream.concat(Stream.of("-d", classes.toString(), "-Xlint:all", "-Werror"),
                written.stream().map(Path::toString)).toArray(String[]::new);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, javac));
        try (var loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass("app.nets.TinyNetwork");
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> type.getConstructor(InputStream.class).newInstance(new ByteArrayInputStream(new byte[3])));
            assertTrue(e.getCause().getMessage().contains("it holds 3 bytes, too few for a safetensors file"),
                    e.getCause().getMessage());
        }
    }

    @Test
    void theTrainingClassByDefaultAndNoVectorInferenceClass() throws Exception {
        Path cnn = Files.writeString(dir.resolve("tiny.cnn"), "input 3\ndense 2 softmax\n");
        Run r = run("generate", cnn.toString(), "-d", dir.resolve("src").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("src/cnnc/generated/TinyNetwork.java")).contains("public double backward("));
        Run vector = run("generate", cnn.toString(), "-d", dir.resolve("v").toString(), "--inference", "--backend", "vector");
        assertEquals(2, vector.code());
        assertTrue(vector.err().contains("--inference writes the plain-Java class"), vector.err());
    }
}
