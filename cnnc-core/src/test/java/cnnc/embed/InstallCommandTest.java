package cnnc.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import cnnc.model.Parameter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install command that {@code cnnc build} prints works as printed with this machine's Maven
 * (3.8.7 on Debian, whose default install plugin ignores the pom inside a jar), offline, and a
 * consumer compiles and runs against the artifact it installed.
 */
class InstallCommandTest {
    @TempDir
    Path dir;

    @Test
    void thePrintedCommandInstallsTheJarAndAConsumerUsesIt() throws Exception {
        Network network = Frontend.compile(new SourceFile("tiny.cnn", "input 3\ndense 2 softmax\n")).network().orElseThrow();
        float[][] params = new float[Parameter.of(network).size()][];
        for (int i = 0; i < params.length; i++) {
            params[i] = new float[Parameter.of(network).get(i).size()];
            for (int j = 0; j < params[i].length; j++) {
                params[i][j] = 0.25f * (j + 1) * (i % 2 == 0 ? 1 : -1);
            }
        }
        MavenCoordinates coordinates = MavenCoordinates.derive("test.install", "TinyNetwork", null);
        Path jar = dir.resolve("tiny-network.jar");
        Files.write(jar, EmbeddedJar.build(network, params, "test.install", "TinyNetwork", coordinates).toBytes());

        Path repo = dir.resolve("repo");
        List<String> command = new ArrayList<>(Arrays.asList(MavenCoordinates.installCommand(jar.toString()).split(" ")));
        // The printed command as it is, kept off the network and out of the user's repository.
        command.addAll(List.of("-B", "-o", "-q", "-DlocalRepositoryPath=" + repo));
        Process mvn = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(mvn.waitFor(120, TimeUnit.SECONDS), "mvn did not finish");
        assertEquals(0, mvn.exitValue(), String.join(" ", command) + "\n" + log);

        Path installed = repo.resolve("test/install/tiny-network/1.0.0");
        Path installedJar = installed.resolve("tiny-network-1.0.0.jar");
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(installedJar));
        String pom = Files.readString(installed.resolve("tiny-network-1.0.0.pom"));
        assertTrue(pom.contains("<groupId>test.install</groupId>") && pom.contains("<artifactId>tiny-network</artifactId>"), pom);

        String outputs = consume(installedJar);
        assertTrue(outputs.startsWith("2 0.01"), outputs); // softmax of (W x + b): class 1 by far
        assertEquals(predictWith(jar), outputs);
    }

    /** Compiles a consumer against the installed jar alone, then runs it: the outputs for input (1, 2, 3). */
    private String consume(Path installedJar) throws Exception {
        Path src = dir.resolve("consumer/Consumer.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                import test.install.TinyNetwork;

                public class Consumer {
                    public static String run() {
                        float[] p = new TinyNetwork().predict(new float[] {1, 2, 3});
                        return TinyNetwork.OUTPUT_SIZE + " " + p[0] + " " + p[1];
                    }
                }
                """);
        Path classes = dir.resolve("consumer-classes");
        Files.createDirectories(classes);
        int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-cp", installedJar.toString(), "-d", classes.toString(), src.toString());
        assertEquals(0, javac);
        try (var loader = new URLClassLoader(new URL[] {classes.toUri().toURL(), installedJar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            return (String) loader.loadClass("Consumer").getMethod("run").invoke(null);
        }
    }

    /** What the jar as built predicts for (1, 2, 3), loaded directly. */
    private static String predictWith(Path jar) throws Exception {
        try (var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = loader.loadClass("test.install.TinyNetwork");
            Object network = type.getConstructor().newInstance();
            float[] p = (float[]) type.getMethod("predict", float[].class).invoke(network, (Object) new float[] {1, 2, 3});
            return type.getField("OUTPUT_SIZE").getInt(null) + " " + p[0] + " " + p[1];
        }
    }
}
