package cnnc.codegen;

import com.palantir.javapoet.CodeBlock;

/**
 * A thin layer over JavaPoet's CodeBlock.Builder for loop-heavy numeric code: statements are
 * built as plain strings (they hold no types to import), so the emitters read like the code
 * they emit.
 */
public final class Code {
    private final CodeBlock.Builder builder = CodeBlock.builder();

    /** One statement; the semicolon is added. */
    public Code line(String statement) {
        builder.addStatement("$L", statement);
        return this;
    }

    public Code open(String controlFlow) {
        builder.beginControlFlow("$L", controlFlow);
        return this;
    }

    public Code close() {
        builder.endControlFlow();
        return this;
    }

    /** {@code for (int v = 0; v < bound; v++) {} */
    public Code loop(String variable, Object bound) {
        return open("for (int " + variable + " = 0; " + variable + " < " + bound + "; " + variable + "++)");
    }

    public Code comment(String text) {
        builder.add("// $L\n", text);
        return this;
    }

    public Code add(CodeBlock block) {
        builder.add(block);
        return this;
    }

    public CodeBlock build() {
        return builder.build();
    }
}
