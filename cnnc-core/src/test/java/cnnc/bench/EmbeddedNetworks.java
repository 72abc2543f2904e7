package cnnc.bench;

import cnnc.Frontend;
import cnnc.diag.SourceFile;
import cnnc.embed.EmbeddedJar;
import cnnc.embed.MavenCoordinates;
import cnnc.model.Network;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the embeddable inference class of a network, as `cnnc build` does, and loads it. */
final class EmbeddedNetworks {
    private EmbeddedNetworks() {}

    /** A loaded inference instance and its predict methods, typed for invokeExact. */
    record Loaded(Object instance, MethodHandle predictOne, MethodHandle predictMany) {}

    static Network network(Path cnn) throws IOException {
        var result = Frontend.compile(new SourceFile(cnn.toString(), Files.readString(cnn)));
        return result.network().orElseThrow(() -> new IllegalArgumentException(cnn + " has errors"));
    }

    static Loaded load(Network network, float[][] params) throws Exception {
        String className = "BenchNetwork";
        var coordinates = MavenCoordinates.derive("bench", className, MavenCoordinates.DEFAULT_VERSION);
        EmbeddedJar jar = EmbeddedJar.build(network, params, "bench", className, coordinates);
        Path file = Files.createTempFile("cnnc-bench", ".jar");
        file.toFile().deleteOnExit();
        Files.write(file, jar.toBytes());
        var loader = new URLClassLoader(new URL[] {file.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> type = loader.loadClass("bench." + className);
        Object instance = type.getConstructor().newInstance();
        var lookup = MethodHandles.publicLookup();
        MethodHandle one = lookup.findVirtual(type, "predict", MethodType.methodType(float[].class, float[].class))
                .asType(MethodType.methodType(float[].class, Object.class, float[].class));
        MethodHandle many = lookup.findVirtual(type, "predict", MethodType.methodType(float[][].class, float[][].class))
                .asType(MethodType.methodType(float[][].class, Object.class, float[][].class));
        return new Loaded(instance, one, many);
    }
}
