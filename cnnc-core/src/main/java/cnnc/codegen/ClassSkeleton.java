package cnnc.codegen;

import cnnc.Version;
import cnnc.model.Layer;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.model.Shape;
import cnnc.plan.Buffer;
import cnnc.plan.Mode;
import cnnc.plan.Plan;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * What the training class and the inference class share: the network's parameter tables, its
 * activation buffers, each layer op's working fields and methods, the calls that run the forward
 * pass, the copy between the public H, W, C layout and the internal C, H, W one, and the file
 * header. {@link JavaGenerator} and {@link InferenceGenerator} each add the members of their own
 * API around it.
 */
final class ClassSkeleton {
    private final Plan plan;
    private final Precision p;
    private final Backend backend;
    private final List<Parameter> parameters;
    private final List<LayerOp> ops;

    ClassSkeleton(Plan plan, Precision precision, Backend backend) {
        this.plan = plan;
        this.p = precision;
        this.backend = backend;
        this.parameters = Parameter.of(plan.network());
        this.ops = LayerOps.of(plan, precision, backend);
    }

    Network network() {
        return plan.network();
    }

    List<Parameter> parameters() {
        return parameters;
    }

    /** Whether the code uses the Vector API (and needs its module to compile and run). */
    boolean usesVectors() {
        return network().layers().stream().anyMatch(layer -> LayerOps.vectorized(layer, backend));
    }

    /** Whether an op uses the lane shuffles of 2x2 pooling on the Vector API. */
    boolean usesLaneShuffles() {
        return ops.stream().anyMatch(LayerOp::usesLaneShuffles);
    }

    /** Whether an op lays its weights out anew and can reuse that layout while they are held. */
    boolean reusesLayouts() {
        return ops.stream().anyMatch(LayerOp::reusesLayouts);
    }

    /** Whether a step is dropout, whose keep/drop decisions hash with {@code mix}. */
    boolean hasDropout() {
        return network().layers().stream().anyMatch(layer -> layer instanceof Layer.Dropout);
    }

    /** {@code PARAMETER_NAMES} and {@code PARAMETER_SHAPES}: each tensor's name and shape, in file order. */
    List<FieldSpec> parameterTables() {
        var names = CodeBlock.builder();
        var shapes = CodeBlock.builder();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter param = parameters.get(i);
            names.add(i == 0 ? "$S" : ", $S", param.tensorName());
            var dims = new StringBuilder();
            for (int d : param.shape()) {
                dims.append(dims.length() == 0 ? "" : ", ").append(d);
            }
            shapes.add(i == 0 ? "{$L}" : ", {$L}", dims);
        }
        return List.of(
                FieldSpec.builder(String[].class, "PARAMETER_NAMES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("{$L}", names.build()).build(),
                FieldSpec.builder(int[][].class, "PARAMETER_SHAPES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("{$L}", shapes.build()).build());
    }

    /** The ops' named derived sizes, e.g. {@code CONV1_WIDE}. */
    List<FieldSpec> namedSizes() {
        return ops.stream().flatMap(op -> op.namedSizes().stream()).toList();
    }

    /** The activation buffers: every one when training, those a forward pass writes for inference. */
    List<Buffer> buffers() {
        return plan.mode() == Mode.TRAINING ? plan.buffers() : plan.forwardBuffers();
    }

    List<FieldSpec> bufferFields() {
        return buffers().stream()
                .map(b -> FieldSpec.builder(p.arrayType(), b.name(), Modifier.PRIVATE, Modifier.FINAL).build())
                .toList();
    }

    /** Every op's working fields. */
    List<FieldSpec> scratchFields() {
        return ops.stream().flatMap(op -> op.scratch().stream()).map(Scratch::field).toList();
    }

    /** Every op's weights laid out for inference, in order. */
    List<SharedLayout> sharedLayouts() {
        return ops.stream().flatMap(op -> op.sharedLayouts().stream()).toList();
    }

    /** Allocates the buffers for {@code maxBatch} examples, with slack where vectors run past the end. */
    void allocateBuffers(Code code) {
        Set<String> slack = ops.stream().flatMap(op -> op.buffersReadPastEnd().stream()).collect(Collectors.toSet());
        for (Buffer b : buffers()) {
            code.line(b.name() + " = new " + p.keyword() + "[maxBatch * " + b.perExample()
                    + (slack.contains(b.name()) ? " + 2 * SPECIES.length()" : "") + "]");
        }
    }

    /** Allocates every op's working fields ({@code maxBatch} in scope). */
    void allocateScratch(Code code) {
        for (LayerOp op : ops) {
            op.scratch().stream().map(Scratch::allocation).filter(a -> a != null).forEach(code::line);
        }
    }

    /** Calls each step's forward method in order, then the output stage's. */
    void forwardCalls(Code code) {
        forwardCalls(code, "training");
    }

    /** As {@link #forwardCalls(Code)}, passing {@code training} to the steps that take the flag. */
    void forwardCalls(Code code, String training) {
        for (int i = 0; i < ops.size(); i++) {
            code.line(forwardCall(i, training));
        }
        if (plan.outputStage().isPresent()) {
            code.line("outputForward(batch)");
        }
    }

    /** The call of step {@code i}'s forward method, passing {@code training} if it takes the flag. */
    String forwardCall(int i, String training) {
        return plan.steps().get(i).layer().name() + "Forward(batch" + (ops.get(i).forwardTakesTraining() ? ", " + training : "")
                + ")";
    }

    /** Calls each step's backward method, last step first. */
    void backwardCalls(Code code) {
        for (int i = plan.steps().size() - 1; i >= 0; i--) {
            code.line(backwardCall(i));
        }
    }

    String backwardCall(int i) {
        return plan.steps().get(i).layer().name() + "Backward(batch)";
    }

    /** Every op's methods, step after step. */
    List<MethodSpec> layerMethods() {
        return ops.stream().flatMap(op -> op.methods().stream()).toList();
    }

    /** The {@link SharedMethods} the ops and the activations call, each once. */
    List<MethodSpec> sharedMethods() {
        var names = new ArrayList<>(ops.stream().flatMap(op -> op.sharedMethods().stream()).toList());
        plan.steps().forEach(step -> names.addAll(Activations.sharedMethods(p, step)));
        return SharedMethods.of(names, p);
    }

    /**
     * Statements for each value of one example of a volume input, inside loops over its rows,
     * columns and channels: {@code statement} gets the value's index in C, H, W order and in
     * H, W, C order, each relative to the example's start.
     */
    static Code eachInputValue(Code code, Shape.Volume v, BinaryOperator<String> statement) {
        int h = v.height(), w = v.width(), c = v.channels();
        code.loop("y", h).loop("x", w).loop("ch", c);
        code.line(statement.apply("ch * " + (h * w) + " + y * " + w + " + x", "(y * " + w + " + x) * " + c + " + ch"));
        return code.close().close().close();
    }

    /** Whether an input of this shape is laid out alike in H, W, C and C, H, W order (a vector, or one channel). */
    static boolean sameInBothLayouts(Shape in) {
        return !(in instanceof Shape.Volume v) || v.channels() == 1;
    }

    /** The source file: the class in its package, with a header that names the compiler and the network. */
    GeneratedSource write(String packageName, String className, TypeSpec type, String verb) {
        JavaFile file = JavaFile.builder(packageName, type)
                .addFileComment("Generated by cnnc $L from $L. Do not edit: change the .cnn file and $L again.",
                        Version.VERSION, baseName(network().source().name()), verb)
                .indent("    ")
                .skipJavaLangImports(true)
                .build();
        return new GeneratedSource(packageName, className, listFieldsTogether(file.toString()));
    }

    /** A field declaration of one line, without an initializer that calls anything. */
    private static final java.util.regex.Pattern ONE_LINE_FIELD = java.util.regex.Pattern.compile(
            "( +)(?:private|public|protected) [^(=]*;");

    /**
     * JavaPoet leaves a blank line between any two members; hand-written classes list their plain
     * fields together, so the blank line between two undocumented one-line fields of the same
     * indentation goes.
     */
    static String listFieldsTogether(String code) {
        String[] lines = code.split("\n", -1);
        var out = new StringBuilder(code.length());
        for (int i = 0; i < lines.length; i++) {
            out.append(lines[i]);
            if (i + 1 < lines.length) {
                out.append('\n');
            }
            boolean documented = i > 0 && lines[i - 1].endsWith("*/");
            if (!documented && i + 2 < lines.length && lines[i + 1].isEmpty()
                    && sameIndentFields(lines[i], lines[i + 2])) {
                i++; // the blank line
            }
        }
        return out.toString();
    }

    /** Whether both lines are one-line fields, indented alike. */
    private static boolean sameIndentFields(String line, String next) {
        var first = ONE_LINE_FIELD.matcher(line);
        var second = ONE_LINE_FIELD.matcher(next);
        return first.matches() && second.matches() && first.group(1).equals(second.group(1));
    }

    Optional<MethodSpec> outputForward() {
        return Optional.ofNullable(new cnnc.codegen.loss.LossOp(plan, p).outputForward());
    }

    static String baseName(String path) {
        String s = path.replace('\\', '/');
        return s.substring(s.lastIndexOf('/') + 1);
    }

    /** The layers as a {@code <pre>} block: name, source, output shape. */
    static String layerTable(Network network) {
        var doc = new StringBuilder("<pre>\n");
        doc.append("input ").append(network.input().text()).append('\n');
        for (Layer layer : network.layers()) {
            doc.append(String.format(Locale.ROOT, "%-10s %-28s -> %s%n", layer.name(), layer.source(), layer.out().text()));
        }
        return doc.append("</pre>\n").toString();
    }

    /** Text that came from the user, made safe for a JavaPoet Javadoc format string. */
    static String javadocText(String text) {
        // JavaPoet treats $ as a format character in Javadoc too.
        return text.replace("$", "$$").replace("*/", "*&#47;");
    }

    static FieldSpec constant(String name, int value, String doc) {
        return FieldSpec.builder(int.class, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", value).addJavadoc(doc + "\n").build();
    }
}
