package cnnc.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.codegen.GeneratedSource;
import cnnc.diag.Diagnostic;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodSizeCheckTest {

    /** A class with one method of 2,000 statements, named as the generator names layer methods. */
    private static byte[] hugeClass() {
        var body = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            body.append("        a[").append(i % 7).append("] += a[").append((i + 3) % 7).append("] * ").append(i).append(";\n");
        }
        String code = "package t;\npublic final class Huge {\n    public void small(float[] a) { a[0] = 1; }\n"
                + "    public void conv2Forward(float[] a) {\n" + body + "    }\n}\n";
        Map<String, byte[]> classes = InMemoryCompiler.compile(List.of(new GeneratedSource("t", "Huge", code)));
        return classes.get("t.Huge");
    }

    @Test
    void readsMethodSizesFromTheClassFile() {
        var sizes = ClassFileReader.methodSizes(hugeClass());
        var small = sizes.stream().filter(m -> m.name().equals("small")).findFirst().orElseThrow();
        var huge = sizes.stream().filter(m -> m.name().equals("conv2Forward")).findFirst().orElseThrow();
        assertEquals("([F)V", small.descriptor());
        assertEquals(5, small.codeLength()); // aload_1 iconst_0 fconst_1 fastore return: one byte each
        assertTrue(huge.codeLength() > 8000, "huge method is " + huge.codeLength());
    }

    @Test
    void reportsAnOversizedMethodOnItsLayer() {
        Network network = Frontend.compile(new SourceFile("t.cnn", "input 8x8x1\nconv 2 3x3\nconv 2 3x3\nflatten\ndense 2 softmax\n"))
                .network().orElseThrow();
        List<Diagnostic> problems = MethodSizeCheck.check(network, hugeClass());
        assertEquals(1, problems.size());
        Diagnostic d = problems.get(0);
        assertEquals(3, d.span().line(), "blamed on conv2, the third line");
        assertTrue(d.message().startsWith("the generated method conv2Forward is "), d.message());
        assertTrue(d.message().endsWith("over HotSpot's limit of 8,000"), d.message());
    }
}
