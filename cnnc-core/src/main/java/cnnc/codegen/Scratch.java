package cnnc.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.FieldSpec;
import javax.lang.model.element.Modifier;

/**
 * A layer's private working field: declared once, so that its field and the constructor statement
 * allocating it cannot drift apart.
 *
 * @param field the field
 * @param allocation the constructor statement that allocates it ({@code maxBatch} in scope), or null
 */
public record Scratch(FieldSpec field, String allocation) {

    /** A {@code float[]} of {@code length} values. */
    public static Scratch buffer(Precision p, String name, String length) {
        return new Scratch(FieldSpec.builder(p.arrayType(), name, Modifier.PRIVATE, Modifier.FINAL).build(),
                name + " = new " + p.keyword() + "[" + length + "]");
    }

    /** A {@code float[][]}: rows that are arrays of their own, so loops over them index alike. */
    public static Scratch rows(Precision p, String name, Object rows, String length) {
        return new Scratch(FieldSpec.builder(ArrayTypeName.of(p.arrayType()), name, Modifier.PRIVATE, Modifier.FINAL).build(),
                name + " = new " + p.keyword() + "[" + rows + "][" + length + "]");
    }

    /** An {@code int[]} of {@code length} values. */
    public static Scratch indexes(String name, int length) {
        return indexes(name, String.valueOf(length));
    }

    /** An {@code int[]} of {@code length} values, an expression ({@code maxBatch} in scope). */
    public static Scratch indexes(String name, String length) {
        return new Scratch(FieldSpec.builder(int[].class, name, Modifier.PRIVATE, Modifier.FINAL).build(),
                name + " = new int[" + length + "]");
    }
}
