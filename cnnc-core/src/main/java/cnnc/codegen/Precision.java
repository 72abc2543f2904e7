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

    /** A call to a Math function returning double, narrowed when needed: {@code (float) Math.exp(x)}. */
    public String math(String function, String argument) {
        String call = "Math." + function + "(" + argument + ")";
        return this == FLOAT ? "(float) " + call : call;
    }
}
