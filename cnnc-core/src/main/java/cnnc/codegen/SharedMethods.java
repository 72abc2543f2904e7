package cnnc.codegen;

import com.palantir.javapoet.MethodSpec;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import javax.lang.model.element.Modifier;

/**
 * Small static methods that several layers' code calls, written once per class: loops that C2
 * vectorizes on their own and inlines where they are called.
 */
public final class SharedMethods {
    /** {@code addProducts(a, x, y, u, v, n)}: a[j] += x[j] * y[j] + u[j] * v[j] for j < n. */
    public static final String ADD_PRODUCTS = "addProducts";
    /** {@code sumLanes(row, n)}: the sum of row[0..n), in four partial sums. */
    public static final String SUM_LANES = "sumLanes";
    /** {@code larger(a, b)}: the larger of two values that are not negative, compared by their bits. */
    public static final String LARGER = "larger";

    private SharedMethods() {}

    /** The methods of these names, in a fixed order. */
    static List<MethodSpec> of(Collection<String> names, Precision p) {
        return new TreeSet<>(names).stream().map(name -> of(name, p)).toList();
    }

    private static MethodSpec of(String name, Precision p) {
        var method = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC);
        var code = new Code();
        switch (name) {
            case ADD_PRODUCTS:
                for (String array : new String[] {"a", "x", "y", "u", "v"}) {
                    method.addParameter(p.arrayType(), array);
                }
                code.loop("j", "length").line("a[j] += x[j] * y[j] + u[j] * v[j]").close();
                return method.addParameter(int.class, "length")
                        .addJavadoc("Adds the products x * y and u * v into a, lane by lane: one loop C2 vectorizes.\n")
                        .addCode(code.build()).build();
            case SUM_LANES:
                PartialSums.declare(code, p, "sum", p.literal(0), "length", q -> "row[" + q + "]");
                code.line("return sum");
                return method.returns(p.type()).addParameter(p.arrayType(), "row").addParameter(int.class, "length")
                        .addJavadoc("The sum of the first {@code length} lanes of {@code row}.\n")
                        .addCode(code.build()).build();
            case LARGER:
                String bits = p == Precision.FLOAT ? "Float.floatToRawIntBits" : "Double.doubleToRawLongBits";
                code.line("return " + (p == Precision.FLOAT ? "Float.intBitsToFloat" : "Double.longBitsToDouble")
                        + "(Math.max(" + bits + "(a), " + bits + "(b)))");
                return method.returns(p.type()).addParameter(p.type(), "a").addParameter(p.type(), "b")
                        .addJavadoc("The larger of a and b, neither of them negative (as after a ReLU), compared by their\n"
                                + "bits: one conditional move where Math.max takes four instructions.\n")
                        .addCode(code.build()).build();
            default:
                throw new IllegalArgumentException("no shared method " + name);
        }
    }
}
