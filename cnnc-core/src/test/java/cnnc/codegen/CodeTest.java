package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import org.junit.jupiter.api.Test;

/** How Code tidies a statement: constant terms folded, one-trip loops dropped, types imported, nothing else touched. */
class CodeTest {

    private static String line(String statement) {
        return new Code().line(statement).build().toString().trim();
    }

    @Test
    void dropsTermsThatAddZeroOrMultiplyByOne() {
        assertEquals("int a = n * 125 + i;", line("int a = (n + 0) * 125 + i"));
        assertEquals("x = w[ob * 9 + i * 9];", line("x = w[(ob + 0) * 9 + i * 9 + 0]"));
        assertEquals("y = v.fromArray(s, j + V);", line("y = v.fromArray(s, j + 1 * V)"));
        assertEquals("int wb = oc * 9;", line("int wb = (oc * 1 + 0) * 9"));
        assertEquals("int b = 0;", line("int b = 0 * 784"));
    }

    @Test
    void leavesAloneWhatOnlyLooksFoldable() {
        assertEquals("float f = (float) Math.exp(x + 0.0f);", line("float f = (float) Math.exp(x + 0.0f)"));
        assertEquals("int a = x + 10 * 1.5;", line("int a = x + 10 * 1.5"));
        assertEquals("String s = \"+ 0 and * 1\" + n;", line("String s = \"+ 0 and * 1\" + n"));
        assertEquals("g = x0 * 0x1p100f;", line("g = x0 * 0x1p100f"));
        assertEquals("a = b * 10 + c0;", line("a = b * 10 + c0"));
        assertEquals("long h = mix(seed + 3L * 0x632BE59BD9B4E019L);", line("long h = mix(seed + 3L * 0x632BE59BD9B4E019L)"));
    }

    @Test
    void aLoopOfOneTripIsABlockWithItsVariableAtZero() {
        String code = new Code().loop("ic", 1).line("int ib = base + ic * 784").line("q[ic] = 1").close()
                .loop("oc", 10).line("w[oc] = 0").close().build().toString();
        assertEquals("{\n  int ib = base;\n  q[0] = 1;\n}\nfor (int oc = 0; oc < 10; oc++) {\n  w[oc] = 0;\n}\n", code);
    }

    @Test
    void qualifiedTypesBecomeImports() {
        var method = MethodSpec.methodBuilder("m").addCode(new Code()
                .line("java.util.Arrays.fill(a, 0.0f)")
                .line("jdk.incubator.vector.FloatVector v = jdk.incubator.vector.FloatVector.zero(SPECIES)")
                .line("String s = \"java.util.List stays text\"").build()).build();
        String file = JavaFile.builder("p", TypeSpec.classBuilder("C").addMethod(method).build()).build().toString();
        assertEquals(true, file.contains("import java.util.Arrays;\nimport jdk.incubator.vector.FloatVector;\n"), file);
        assertEquals(true, file.contains("Arrays.fill(a, 0.0f);"), file);
        assertEquals(true, file.contains("FloatVector v = FloatVector.zero(SPECIES);"), file);
        assertEquals(true, file.contains("\"java.util.List stays text\""), file);
    }
}
