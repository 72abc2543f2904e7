package cnnc.codegen;

import cnnc.plan.Mode;
import cnnc.plan.Step;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.List;
import java.util.function.Supplier;
import javax.lang.model.element.Modifier;

/**
 * What a layer op writes for: its step of the plan, the number type, and which class (training
 * or inference). Also the small pieces of code every op shares.
 */
public record OpContext(Step step, Precision precision, Mode mode) {

    /** The layer's name, the prefix of every member the op writes: {@code conv1}. */
    public String name() {
        return step.layer().name();
    }

    public boolean training() {
        return mode == Mode.TRAINING;
    }

    /** A private method {@code NAME + suffix(int batch)} whose Javadoc names the layer's source line and shapes. */
    public MethodSpec.Builder method(String suffix, String javadoc) {
        return MethodSpec.methodBuilder(name() + suffix)
                .addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "batch")
                .addJavadoc(javadoc + "\n\n<p>{@code $L} at line $L: $L -> $L.\n",
                        step.layer().source(), step.layer().span().line(), step.layer().in().text(),
                        step.layer().out().text());
    }

    /** A method of the layer built from {@code code}. */
    public MethodSpec method(String suffix, String javadoc, CodeBlock code) {
        return method(suffix, javadoc).addCode(code).build();
    }

    /** The forward method, and the backward one when training. */
    public List<MethodSpec> forwardAndBackward(Supplier<MethodSpec> forward, Supplier<MethodSpec> backward) {
        return training() ? List.of(forward.get(), backward.get()) : List.of(forward.get());
    }

    /** Calls the input-gradient helper, only on demand when the input is the network's own. */
    public void callInputBackward(Code code) {
        if (step.inGradOnDemand()) {
            code.open("if (inputGradientEnabled)").line(name() + "BackwardInput(batch)").close();
        } else {
            code.line(name() + "BackwardInput(batch)");
        }
    }

    /** Returns early from a backward pass whose only work is the network input's gradient, when not asked for. */
    public void skipUnlessInputGradientWanted(Code code) {
        if (step.inGradOnDemand()) {
            code.open("if (!inputGradientEnabled)").line("return").close();
        }
    }

    /**
     * For a layer written with {@code nobias}: a bias of {@code size} zeros, and in training a
     * gradient for it that nothing reads, so that the layer's code stays the same and adds nothing.
     */
    public List<Scratch> zeroBias(int size) {
        var zeros = buffer("Bias", String.valueOf(size));
        return training() ? List.of(zeros, buffer("BiasGrad", String.valueOf(size))) : List.of(zeros);
    }

    /** A per-layer float[] (or double[]) buffer of {@code length} values. */
    public Scratch buffer(String suffix, String length) {
        return Scratch.buffer(precision, name() + suffix, length);
    }

    /** Per-layer rows: {@code rows} arrays of {@code length} values each. */
    public Scratch rows(String suffix, Object rows, String length) {
        return Scratch.rows(precision, name() + suffix, rows, length);
    }
}
