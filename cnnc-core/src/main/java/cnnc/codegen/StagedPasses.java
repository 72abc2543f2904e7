package cnnc.codegen;

import cnnc.codegen.batchnorm.BatchNormOp;
import cnnc.model.Layer;
import cnnc.plan.Plan;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * The training class's passes for a network that normalizes with statistics of the whole batch
 * ({@link Plan#batchStatisticSteps}): the forward and backward passes cut into stages at each
 * such batchnorm, so that instances running slices of one batch can all finish a stage, whose
 * last act is to write their examples' sums, before any starts the next, which adds them all
 * ({@link BatchNormOp}). Forward stage s runs from the s-th batchnorm's normalization (stage 0: the
 * input) to the next one's sums; backward stages run the other way, the last first. A single
 * instance's {@code forward} and {@code backward} run every stage on their own batch. Networks
 * without such a step keep the one-piece passes.
 */
final class StagedPasses {
    private final Plan plan;
    private final ClassSkeleton skeleton;
    private final Precision p;
    private final List<Integer> barriers;
    private final List<Layer.BatchNorm> norms;
    private final BiConsumer<Code, String> checkBatch;
    private final Function<Boolean, CodeBlock> transpose;

    /**
     * @param checkBatch writes the checks of {@code batch}, {@code offset} and the array of inputs
     *     ({@code "INPUT_SIZE"}) or targets ({@code "OUTPUT_SIZE"})
     * @param transpose the copy of the inputs into the network (true) or of the input gradient out of it
     */
    StagedPasses(Plan plan, ClassSkeleton skeleton, Precision p, BiConsumer<Code, String> checkBatch,
            Function<Boolean, CodeBlock> transpose) {
        this.plan = plan;
        this.skeleton = skeleton;
        this.p = p;
        this.barriers = plan.batchStatisticSteps();
        this.norms = barriers.stream().map(i -> (Layer.BatchNorm) plan.steps().get(i).layer()).toList();
        this.checkBatch = checkBatch;
        this.transpose = transpose;
    }

    /** Whether the network needs staged passes at all. */
    boolean any() {
        return !barriers.isEmpty();
    }

    private int stages() {
        return barriers.size() + 1;
    }

    FieldSpec stagesConstant() {
        return FieldSpec.builder(int.class, "STAGES", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Stages of a training pass, cut at each batchnorm: see {@link #forwardStage}.\n")
                .initializer("$L", stages()).build();
    }

    List<FieldSpec> fields() {
        return List.of(
                FieldSpec.builder(double[][].class, "ownBatchSums", Modifier.PRIVATE, Modifier.FINAL).build(),
                FieldSpec.builder(int.class, "sliceStart", Modifier.PRIVATE).build(),
                FieldSpec.builder(int.class, "batchExamples", Modifier.PRIVATE).build());
    }

    /** The constructor's part: this instance's own sums, shared with no one until {@link #shareBatch} says otherwise. */
    void allocate(Code code) {
        code.line("ownBatchSums = newBatchSums(maxBatch)").line("shareBatch(ownBatchSums, 0, maxBatch)");
    }

    List<MethodSpec> methods() {
        return List.of(forwardStage(), backwardStage(), shareBatch(), newBatchSums());
    }

    private MethodSpec newBatchSums() {
        var arrays = new StringBuilder();
        for (Layer.BatchNorm bn : norms) {
            arrays.append(arrays.length() == 0 ? "" : ", ").append("new double[examples * ").append(BatchNormOp.rowLength(bn))
                    .append("]");
        }
        return MethodSpec.methodBuilder("newBatchSums").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(double[][].class).addParameter(int.class, "examples")
                .addJavadoc("Room for the batchnorm sums of a batch of up to {@code examples} examples, one array per batchnorm,\n"
                        + "for the instances that run slices of one batch to share: see {@link #shareBatch}.\n")
                .addStatement("return new double[][] {$L}", arrays).build();
    }

    private MethodSpec shareBatch() {
        var code = new Code();
        code.open("if (sums.length != " + norms.size() + " || first < 0 || examples < 1 || first >= examples)")
                .line("throw new IllegalArgumentException(\"expected " + norms.size()
                        + " arrays of sums and 0 <= first < examples, not \" + sums.length + \", \" + first + \", \" + examples)")
                .close();
        for (int k = 0; k < norms.size(); k++) {
            Layer.BatchNorm bn = norms.get(k);
            code.open("if (sums[" + k + "].length < (long) examples * " + BatchNormOp.rowLength(bn) + ")")
                    .line("throw new IllegalArgumentException(\"the sums of " + bn.name() + " hold fewer than \" + examples"
                            + " + \" examples; make them with newBatchSums\")")
                    .close();
        }
        for (int k = 0; k < norms.size(); k++) {
            code.line(BatchNormOp.sumsField(norms.get(k)) + " = sums[" + k + "]");
        }
        code.line("sliceStart = first").line("batchExamples = examples");
        return MethodSpec.methodBuilder("shareBatch").addModifiers(Modifier.PUBLIC)
                .addParameter(double[][].class, "sums").addParameter(int.class, "first").addParameter(int.class, "examples")
                .addJavadoc("Makes this instance one of several that each run a slice of one batch of {@code examples}: its own\n"
                        + "start at {@code first}, and each batchnorm normalizes with the statistics of the whole batch, which\n"
                        + "every instance writes into and reads from {@code sums} (from {@link #newBatchSums}). Call it before\n"
                        + "{@link #forwardStage} 0 of each batch, then run each stage on every instance before any runs the\n"
                        + "next. {@link #forward} with training on takes its own batch alone again.\n")
                .addCode(code.build()).build();
    }

    /** The part of {@code forward} that runs every stage on this instance's batch alone, when training. */
    void trainInStages(Code code) {
        code.open("if (training)")
                .line("shareBatch(ownBatchSums, 0, batch)")
                .open("for (int stage = 0; stage < STAGES; stage++)")
                .line("forwardStage(stage, inputs, offset, batch)")
                .close()
                .line("return")
                .close();
    }

    /** The body of {@code backward}: every stage, the last first. */
    void backwardInStages(Code code) {
        code.line("double loss = 0")
                .open("for (int stage = STAGES - 1; stage >= 0; stage--)")
                .line("loss += backwardStage(stage, targets, offset, batch)")
                .close()
                .line("return loss");
    }

    private MethodSpec forwardStage() {
        var code = new Code();
        checkBatch.accept(code, "INPUT_SIZE");
        code.open("if (sliceStart + batch > batchExamples)")
                .line("throw new IllegalArgumentException(\"examples \" + sliceStart + \"..\" + (sliceStart + batch - 1)"
                        + " + \" are not in the shared batch of \" + batchExamples)")
                .close();
        eachStage(code, false, (s, range) -> {
            if (s == 0) {
                code.add(transpose.apply(true));
            }
            for (int i = range[0]; i < range[1]; i++) {
                code.line(skeleton.forwardCall(i, "true"));
            }
            if (s < barriers.size()) {
                code.line(norms.get(s).name() + "Statistics(batch)");
            } else if (plan.outputStage().isPresent()) {
                code.line("outputForward(batch)");
            }
        });
        return MethodSpec.methodBuilder("forwardStage").addModifiers(Modifier.PUBLIC)
                .addParameter(int.class, "stage").addParameter(p.arrayType(), "inputs").addParameter(int.class, "offset")
                .addParameter(int.class, "batch")
                .addJavadoc("Stage {@code stage} (0 to {@code STAGES - 1}) of a training forward pass over this instance's slice of\n"
                        + "the batch ({@link #shareBatch}): stage 0 reads the inputs as {@link #forward} does, each stage but\n"
                        + "the last ends with its examples' sums for the next batchnorm, and each after the first starts by\n"
                        + "adding the sums of every slice.\n")
                .addCode(code.build()).build();
    }

    private MethodSpec backwardStage() {
        var code = new Code();
        checkBatch.accept(code, "OUTPUT_SIZE");
        eachStage(code, true, (s, range) -> {
            if (s == stages() - 1) {
                code.line("double loss = lossAndGradient(targets, offset, batch, true)");
            } else {
                code.line(skeleton.backwardCall(range[1]));
            }
            // the stage's first step is the batchnorm whose sums end it; its backward pass starts the stage before
            for (int i = range[1] - 1; i >= (s == 0 ? 0 : range[0] + 1); i--) {
                code.line(skeleton.backwardCall(i));
            }
            if (s > 0) {
                code.line(norms.get(s - 1).name() + "BackwardSums(batch)");
            } else {
                code.open("if (inputGradientEnabled)").add(transpose.apply(false)).close();
            }
            code.line(s == stages() - 1 ? "return loss" : "return 0");
        });
        return MethodSpec.methodBuilder("backwardStage").addModifiers(Modifier.PUBLIC).returns(double.class)
                .addParameter(int.class, "stage").addParameter(p.arrayType(), "targets").addParameter(int.class, "offset")
                .addParameter(int.class, "batch")
                .addJavadoc("Stage {@code stage} of the backward pass of the last training forward pass, run from\n"
                        + "{@code STAGES - 1} down to 0 as {@link #forwardStage} describes: the last stage computes the loss,\n"
                        + "which it returns (the others return 0), and adds to {@link #gradients()}.\n")
                .addCode(code.build()).build();
    }

    /**
     * A switch on {@code stage} with a case per stage, the last first if {@code lastFirst}: {@code body} gets
     * the stage and the range of steps it holds, [from, to), from the batchnorm that starts it (the input for
     * stage 0) to the one whose sums end it (the end of the network for the last).
     */
    private void eachStage(Code code, boolean lastFirst, java.util.function.BiConsumer<Integer, int[]> body) {
        code.open("switch (stage)");
        for (int k = 0; k < stages(); k++) {
            int s = lastFirst ? stages() - 1 - k : k;
            code.open("case " + s + " ->");
            body.accept(s, new int[] {s == 0 ? 0 : barriers.get(s - 1), s < barriers.size() ? barriers.get(s) : plan.steps().size()});
            code.close();
        }
        code.open("default ->").line("throw new IllegalArgumentException(\"stage must be 0..\" + (STAGES - 1) + \", not \" + stage)")
                .close();
        code.close();
    }
}
