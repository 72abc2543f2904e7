package cnnc.codegen;

import cnnc.plan.Step;
import cnnc.plan.ReluFold;
import cnnc.ast.Activation;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes one layer's methods: {@code NAMEForward(int batch)} and {@code NAMEBackward(int batch)},
 * plus any private buffers the layer needs (padding, pooling indices, dropout masks). Shapes are
 * literals in the emitted code.
 */
abstract class LayerEmitter {
    /** Above this many kernel taps the emitter unrolls one kernel row and loops over the rows. */
    static final int MAX_UNROLLED_TAPS = 64;

    final Step step;
    final Precision p;
    final String name;
    /** For the inference-only class: forward state only, nothing kept for a backward pass. */
    final boolean inference;

    LayerEmitter(Step step, Precision p, boolean inference) {
        this.step = step;
        this.p = p;
        this.name = step.layer().name();
        this.inference = inference;
    }

    /**
     * Extra per-layer fields, allocated in the constructor for {@code maxBatch} examples; for
     * inference only those the forward pass uses.
     */
    List<FieldSpec> fields() {
        return List.of();
    }

    /** Constructor statements allocating {@link #fields()}; {@code maxBatch} is in scope. */
    List<String> allocations() {
        return List.of();
    }

    abstract MethodSpec forward();

    abstract MethodSpec backward();

    /**
     * Batch buffers this layer's vectors read or write up to two vectors past the last
     * example: they get that much slack at their end.
     */
    List<String> buffersReadPastEnd() {
        return List.of();
    }

    /** Helper methods the forward and backward methods call (kept apart to stay under HotSpot's size limit). */
    List<MethodSpec> helpers() {
        return List.of();
    }

    /** Whether forward takes the {@code training} flag (dropout does). */
    boolean forwardTakesTraining() {
        return false;
    }

    MethodSpec.Builder method(String suffix, String javadoc) {
        return MethodSpec.methodBuilder(name + suffix)
                .addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "batch")
                .addJavadoc(javadoc + "\n\n<p>{@code $L} at line $L: $L -> $L.\n",
                        step.layer().source(), step.layer().span().line(), step.layer().in().text(),
                        step.layer().out().text());
    }

    FieldSpec buffer(String field) {
        return FieldSpec.builder(p.arrayType(), field, Modifier.PRIVATE, Modifier.FINAL).build();
    }

    /** A float[][] field: rows that are arrays of their own, so loops over them index alike. */
    FieldSpec rows(String field) {
        return FieldSpec.builder(com.palantir.javapoet.ArrayTypeName.of(p.arrayType()), field, Modifier.PRIVATE,
                Modifier.FINAL).build();
    }

    /** The activation applied to {@code v}. */
    String activate(Activation act, String v) {
        String zero = p.literal(0);
        String one = p.literal(1);
        switch (act) {
            case RELU:
                return "Math.max(" + v + ", " + zero + ")";
            case SIGMOID:
                return one + " / (" + one + " + " + p.math("exp", "-" + v) + ")";
            case TANH:
                return p.math("tanh", v);
            case LINEAR:
                return v;
            default:
                throw new IllegalArgumentException("not elementwise: " + act);
        }
    }

    /** The gradient g times the activation's derivative, written in terms of the output y. */
    String derivative(Activation act, String y, String g) {
        String zero = p.literal(0);
        String one = p.literal(1);
        switch (act) {
            case RELU:
                // y = max(z, 0) >= 0, so min(min(y * B, 1) * B, 1) is exactly 1 for any positive y
                // (subnormals too: B * B exceeds the inverse of the smallest one) and 0 for y = 0:
                // a mask C2 vectorizes, where the comparison would stay a branch
                String big = p == Precision.FLOAT ? "0x1p100f" : "0x1p600";
                String one1 = p.literal(1);
                return g + " * Math.min(Math.min(" + y + " * " + big + ", " + one1 + ") * " + big + ", " + one1 + ")";
            case SIGMOID:
                return g + " * " + y + " * (" + one + " - " + y + ")";
            case TANH:
                return g + " * (" + one + " - " + y + " * " + y + ")";
            case LINEAR:
                return g;
            default:
                throw new IllegalArgumentException("not elementwise: " + act);
        }
    }

    /** Applies the layer's activation in place over [from, from + count) of {@code out}. */
    void activateRange(Code c, Activation act, String out, String from, int count) {
        if (act == Activation.LINEAR) {
            return;
        }
        c.loop("j", count).line("int k = " + from + " + j")
                .line(out + "[k] = " + activate(act, out + "[k]")).close();
    }

    /** Multiplies the gradient in place by the activation's derivative over the batch. */
    void deriveRange(Code c, Activation act, String grad, String out, String count) {
        if (act == Activation.LINEAR || step.reluFold() == ReluFold.DERIVATIVE_IN_NEXT_POOL) {
            return;
        }
        c.loop("k", count).line(grad + "[k] = " + derivative(act, out + "[k]", grad + "[k]")).close();
    }

    /** Calls the input-gradient helper, only on demand when the input is the network's own. */
    void callInputBackward(Code code) {
        if (step.inGradOnDemand()) {
            code.open("if (inputGradientEnabled)").line(name + "BackwardInput(batch)").close();
        } else {
            code.line(name + "BackwardInput(batch)");
        }
    }

    /** Whether the layer's code is written on the Vector API: the one rule {@link #of} and the compiler follow. */
    static boolean vectorized(cnnc.model.Layer layer, Backend backend) {
        if (backend != Backend.VECTOR) {
            return false;
        }
        return layer.accept(new cnnc.model.Layer.Visitor<Boolean>() {
            @Override
            public Boolean conv(cnnc.model.Layer.Conv conv) {
                return VectorConvEmitter.supports(conv);
            }

            @Override
            public Boolean pool(cnnc.model.Layer.Pool pool) {
                return VectorPoolEmitter.supports(pool);
            }

            @Override
            public Boolean flatten(cnnc.model.Layer.Flatten flatten) {
                return false;
            }

            @Override
            public Boolean dense(cnnc.model.Layer.Dense dense) {
                return true;
            }

            @Override
            public Boolean dropout(cnnc.model.Layer.Dropout dropout) {
                return false;
            }

            @Override
            public Boolean activation(cnnc.model.Layer.ActivationLayer activation) {
                return false;
            }
        });
    }

    /**
     * The emitter for a step. In inference mode there are no dropout steps (the plan leaves them
     * out) and no training members; {@code salt} tells dropout layers apart.
     */
    static LayerEmitter of(Step step, Precision p, boolean inference, int salt, Backend backend) {
        boolean vector = vectorized(step.layer(), backend);
        return step.layer().accept(new cnnc.model.Layer.Visitor<LayerEmitter>() {
            @Override
            public LayerEmitter conv(cnnc.model.Layer.Conv conv) {
                return vector ? new VectorConvEmitter(step, p, inference) : new ConvEmitter(step, p, inference);
            }

            @Override
            public LayerEmitter pool(cnnc.model.Layer.Pool pool) {
                return vector ? new VectorPoolEmitter(step, p, inference) : new PoolEmitter(step, p, inference);
            }

            @Override
            public LayerEmitter flatten(cnnc.model.Layer.Flatten flatten) {
                throw new IllegalArgumentException("flatten has no code: " + step);
            }

            @Override
            public LayerEmitter dense(cnnc.model.Layer.Dense dense) {
                return vector ? new VectorDenseEmitter(step, p, inference) : new DenseEmitter(step, p, inference);
            }

            @Override
            public LayerEmitter dropout(cnnc.model.Layer.Dropout dropout) {
                if (inference) {
                    throw new IllegalArgumentException("an inference plan has no dropout: " + step);
                }
                return new DropoutEmitter(step, p, salt);
            }

            @Override
            public LayerEmitter activation(cnnc.model.Layer.ActivationLayer activation) {
                return new ActivationEmitter(step, p, inference);
            }
        });
    }

    /**
     * Declares {@code var = init + the sum of term(q) for q < length}, kept in four partial sums:
     * C2 keeps float additions in order, so one running sum is a chain of dependent adds, four
     * latencies long each; four chains overlap.
     */
    void partialSums(Code c, String var, String init, int length, java.util.function.UnaryOperator<String> term) {
        String t = p.keyword();
        String zero = p.literal(0);
        String q = var + "Index";
        c.line(t + " " + var + "0 = " + zero + ", " + var + "1 = " + zero + ", " + var + "2 = " + zero + ", " + var + "3 = " + zero)
                .line("int " + q + " = 0")
                .open("for (; " + q + " + 3 < " + length + "; " + q + " += 4)");
        for (int lane = 0; lane < 4; lane++) {
            c.line(var + lane + " += " + term.apply(lane == 0 ? q : q + " + " + lane));
        }
        c.close()
                .open("for (; " + q + " < " + length + "; " + q + "++)")
                .line(var + "0 += " + term.apply(q))
                .close()
                .line(t + " " + var + " = " + init + " + ((" + var + "0 + " + var + "1) + (" + var + "2 + " + var + "3))");
    }
}
