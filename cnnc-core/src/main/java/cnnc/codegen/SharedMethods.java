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
    /**
     * {@code addInOrder(lanes, from, length)}: 0 + lanes[from] + lanes[from + 1] + ..., one after
     * another: a vector's lanes summed as Java 17 sums them, on every Java (see the method).
     */
    public static final String ADD_IN_ORDER = "addInOrder";
    /** {@code larger(a, b)}: the larger of two values that are not negative, compared by their bits. */
    public static final String LARGER = "larger";
    /** {@code tanh(v)}: tanh of a float, as a rational function C2 vectorizes (float precision only). */
    public static final String TANH = "tanh";

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
            case ADD_IN_ORDER:
                code.line(p.keyword() + " sum = " + p.literal(0))
                        .loop("i", "length").line("sum += lanes[from + i]").close()
                        .line("return sum");
                return method.returns(p.type()).addParameter(p.arrayType(), "lanes").addParameter(int.class, "from")
                        .addParameter(int.class, "length")
                        .addJavadoc("The sum of lanes[from] to lanes[from + length - 1], added one after another to 0.\n"
                                + "\n"
                                + "<p>{@code reduceLanes(ADD)} would do, but the Vector API leaves its order open. Java 17\n"
                                + "adds the lanes in this order whether compiled or not; Java 25's C2 adds them in\n"
                                + "another order than its interpreter, so a run's bits would depend on when C2 compiled\n"
                                + "each method. Stored and added here, a vector's sum has Java 17's bits on every Java.\n")
                        .addCode(code.build()).build();
            case LARGER:
                String bits = p == Precision.FLOAT ? "Float.floatToRawIntBits" : "Double.doubleToRawLongBits";
                code.line("return " + (p == Precision.FLOAT ? "Float.intBitsToFloat" : "Double.longBitsToDouble")
                        + "(Math.max(" + bits + "(a), " + bits + "(b)))");
                return method.returns(p.type()).addParameter(p.type(), "a").addParameter(p.type(), "b")
                        .addJavadoc("The larger of a and b, neither of them negative (as after a ReLU), compared by their\n"
                                + "bits: one conditional move where Math.max takes four instructions.\n")
                        .addCode(code.build()).build();
            case TANH:
                if (p != Precision.FLOAT) {
                    throw new IllegalArgumentException("tanh is shared for float precision only");
                }
                code.line("float x = Math.max(Math.min(v, 7.90531110763549805f), -7.90531110763549805f)")
                        .line("float x2 = x * x")
                        .line("float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f")
                        .line("p = x2 * p + -8.60467152213735e-11f")
                        .line("p = x2 * p + 5.12229709037114e-08f")
                        .line("p = x2 * p + 1.48572235717979e-05f")
                        .line("p = x2 * p + 6.37261928875436e-04f")
                        .line("p = x2 * p + 4.89352455891786e-03f")
                        .line("float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f")
                        .line("q = x2 * q + 2.26843463243900e-03f")
                        .line("q = x2 * q + 4.89352518554385e-03f")
                        .line("return x * (p / q)");
                return method.returns(float.class).addParameter(float.class, "v")
                        .addJavadoc("tanh(v) as Eigen computes it for floats: a rational function of degree 13 over 6 on v\n"
                                + "clamped to +-7.9053, where it reaches +-1. At most 6 units in the last place from\n"
                                + "Math.tanh rounded to float (0.74 on average); NaN stays NaN and -0 stays -0. With no\n"
                                + "call and no branch in it, C2 vectorizes the loops that apply it: a hundred times\n"
                                + "faster than Math.tanh.\n")
                        .addCode(code.build()).build();
            default:
                throw new IllegalArgumentException("no shared method " + name);
        }
    }
}
