package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compile.ClassFileReader;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.InMemoryCompiler;
import cnnc.compile.MethodSizeCheck;
import cnnc.compile.NetworkCompiler;
import cnnc.model.Network;
import cnnc.model.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example, AlexNet and VGG-16 included, generates, compiles under -Xlint:all -Werror, and
 * has no method over HotSpot's 8,000-byte JIT limit.
 */
class ExamplesCompileTest {

    @ParameterizedTest
    @ValueSource(strings = {"lab", "mlp", "lenet5", "lenet5-mnist", "batchnorm-mnist", "binary", "alexnet", "vgg16"})
    void exampleCompilesWithSmallMethods(String name) throws IOException {
        assertSmallMethods(name, Backend.SCALAR);
    }

    /** The vector backend's kernels too: HotSpot would not compile a larger one at all. */
    @ParameterizedTest
    @ValueSource(strings = {"lab", "mlp", "lenet5", "lenet5-mnist", "batchnorm-mnist", "binary", "alexnet", "vgg16"})
    void exampleCompilesWithSmallMethodsOnTheVectorBackend(String name) throws IOException {
        assertSmallMethods(name, Backend.VECTOR);
    }

    private static void assertSmallMethods(String name, Backend backend) throws IOException {
        Network network = GoldenSourceTest.load(Path.of("examples", name + ".cnn"));
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
        int largest = 0;
        for (var m : ClassFileReader.methodSizes(compiled.classFile())) {
            largest = Math.max(largest, m.codeLength());
        }
        assertTrue(largest > 0 && largest <= MethodSizeCheck.HUGE_METHOD_LIMIT, name + " " + backend + ": largest method " + largest);
        assertEquals(network.totalParams(), compiled.parameters().stream().mapToLong(Parameter::size).sum());
    }

    /** The inference class that build packs, with its nested class and its weights reader, within the same limits. */
    @ParameterizedTest
    @ValueSource(strings = {"lab", "mlp", "lenet5", "lenet5-mnist", "batchnorm-mnist", "binary", "alexnet", "vgg16"})
    void exampleInferenceClassCompilesWithSmallMethods(String name) throws IOException {
        Network network = GoldenSourceTest.load(Path.of("examples", name + ".cnn"));
        var classes = InMemoryCompiler.compile(InferenceGenerator.sources(network, "test.inference", null));
        assertTrue(classes.keySet().stream().anyMatch(c -> c.endsWith("Network$ForwardPass")), name + ": " + classes.keySet());
        assertTrue(classes.keySet().stream().anyMatch(c -> c.endsWith("NetworkWeights")), name + ": " + classes.keySet());
        for (var entry : classes.entrySet()) {
            assertTrue(MethodSizeCheck.check(network, entry.getValue()).isEmpty(), entry.getKey());
        }
    }
}
