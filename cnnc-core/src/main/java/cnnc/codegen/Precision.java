package cnnc.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.TypeName;

/**
 * The number type of the generated code. Networks are float32, as in Keras and PyTorch; tests
 * also generate float64 twins so finite-difference gradient checks can use tight tolerances.
 */
public enum Precision {
    FLOAT(TypeName.FLOAT, "float"),
    DOUBLE(TypeName.DOUBLE, "double");

    private final TypeName type;
    private final String keyword;

    Precision(TypeName type, String keyword) {
        this.type = type;
        this.keyword = keyword;
    }

    public TypeName type() {
        return type;
    }

    public TypeName arrayType() {
        return ArrayTypeName.of(type);
    }

    /** The Java keyword, for hand-written code strings. */
    public String keyword() {
        return keyword;
    }

    /** A literal of this type: JavaPoet's $L would drop the {@code f} of a float. */
    public String literal(double value) {
        return this == FLOAT ? Float.toString((float) value) + "f" : Double.toString(value);
    }

    /**
     * The class whose exp, log and tanh the generated code calls. The float64 twins call
     * StrictMath, whose results are the same on every Java: Math may use the JIT's own versions
     * (Java 24 added one for tanh on x86, which failed a gradient check that fdlibm's tanh
     * passes), and a finite-difference check with tight tolerances must not depend on which
     * Java runs it.
     */
    public String mathClass() {
        return this == FLOAT ? "Math" : "StrictMath";
    }

    /** A call to a {@link #mathClass} function returning double, narrowed when needed: {@code (float) Math.exp(x)}. */
    public String math(String function, String argument) {
        String call = mathClass() + "." + function + "(" + argument + ")";
        return this == FLOAT ? "(float) " + call : call;
    }
}
