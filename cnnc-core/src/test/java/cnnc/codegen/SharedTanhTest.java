package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compile.InMemoryCompiler;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.lang.reflect.Method;
import java.util.List;
import java.util.SplittableRandom;
import javax.lang.model.element.Modifier;
import org.junit.jupiter.api.Test;

/** The generated classes' float tanh, compiled on its own and held against Math.tanh. */
class SharedTanhTest {
    private static float tanh(Method m, float v) throws Exception {
        return (float) m.invoke(null, v);
    }

    private static Method compiled() throws Exception {
        TypeSpec type = TypeSpec.classBuilder("Tanh").addModifiers(Modifier.FINAL)
                .addMethods(SharedMethods.of(List.of(SharedMethods.TANH), Precision.FLOAT)).build();
        String code = JavaFile.builder("t", type).build().toString();
        var classes = InMemoryCompiler.compile(List.of(new GeneratedSource("t", "Tanh", code)));
        Method m = InMemoryCompiler.loader(classes).loadClass("t.Tanh").getDeclaredMethod("tanh", float.class);
        m.setAccessible(true);
        return m;
    }

    private static long ulps(float a, float b) {
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    @Test
    void withinSixUlpsOfMathTanhAcrossTheFloats() throws Exception {
        Method m = compiled();
        var random = new SplittableRandom(11);
        long worst = 0;
        double total = 0;
        int samples = 200_000;
        for (int i = 0; i < samples; i++) {
            // every exponent alike: random bits, and as many values of ordinary size
            float x = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt() & 0x7f7fffff | (random.nextBoolean() ? 0x80000000 : 0))
                    : (float) (random.nextGaussian() * 4);
            long u = ulps((float) Math.tanh(x), tanh(m, x));
            worst = Math.max(worst, u);
            total += u;
        }
        assertTrue(worst <= 6, "worst " + worst + " ulps");
        assertTrue(total / samples < 1.0, "mean " + total / samples + " ulps");
    }

    @Test
    void keepsTheEdgesOfTanh() throws Exception {
        Method m = compiled();
        assertEquals(1f, tanh(m, 8f));
        assertEquals(-1f, tanh(m, -1e30f));
        assertEquals(1f, tanh(m, Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(tanh(m, Float.NaN)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(tanh(m, -0f)), "-0 stays -0");
        assertEquals(1e-30f, tanh(m, 1e-30f), 1e-37f, "tanh x = x near 0, tiny values included");
        assertEquals(Float.MIN_VALUE, tanh(m, Float.MIN_VALUE));
        for (float x = 0; x < 9; x += 0.125f) {
            assertEquals(-tanh(m, x), tanh(m, -x), "odd at " + x);
        }
    }
}
