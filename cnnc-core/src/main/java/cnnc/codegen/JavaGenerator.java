package cnnc.codegen;

import cnnc.codegen.loss.LossOp;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.model.Shape;
import cnnc.plan.Buffer;
import cnnc.plan.Mode;
import cnnc.plan.Plan;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/**
 * Writes the Java class of a checked network: one class, every shape a literal, one method per
 * layer and direction. The class depends on java.base only and works on whole mini-batches:
 * activations are laid out example after example, each in C, H, W order (PyTorch's), while the
 * public entry points take inputs as H, W, C (Keras' input_shape).
 *
 * <p>Instances share parameter arrays when built with the same {@code float[][]}, so a trainer can
 * run several at once, one a slice of the batch, each with its own activations and gradients.
 */
public final class JavaGenerator {
    public static final String DEFAULT_PACKAGE = "cnnc.generated";

    private final Network network;
    private final Plan plan;
    private final Precision p;
    private final ClassSkeleton skeleton;
    private final List<Parameter> parameters;
    private final StagedPasses staged;

    private JavaGenerator(Network network, Precision precision, Backend backend) {
        this.network = network;
        this.plan = Plan.of(network, Mode.TRAINING);
        this.p = precision;
        this.skeleton = new ClassSkeleton(plan, precision, backend);
        this.parameters = skeleton.parameters();
        this.staged = new StagedPasses(plan, skeleton, precision, this::checkBatch, this::transpose);
    }

    /** Generates the class; {@code className} null means one derived from the file name. */
    public static GeneratedSource generate(Network network, String packageName, String className, Precision precision) {
        return generate(network, packageName, className, precision, Backend.SCALAR);
    }

    public static GeneratedSource generate(Network network, String packageName, String className, Precision precision,
            Backend backend) {
        String name = className != null ? className : defaultClassName(network.source().name());
        return new JavaGenerator(network, precision, backend).write(packageName, name);
    }

    /** Whether the generated code uses the Vector API (and needs its module to compile and run). */
    public static boolean usesVectors(Network network, Backend backend) {
        return network.layers().stream().anyMatch(l -> LayerOps.vectorized(l, backend));
    }

    public static GeneratedSource generate(Network network) {
        return generate(network, DEFAULT_PACKAGE, null, Precision.FLOAT);
    }

    /** {@code examples/lab.cnn} -> {@code LabNetwork}; anything not a Java identifier is dropped. */
    public static String defaultClassName(String fileName) {
        String base = fileName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        var out = new StringBuilder();
        boolean upper = true;
        for (char ch : base.toCharArray()) {
            if (Character.isLetterOrDigit(ch) && ch < 128) {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (out.length() == 0 || !Character.isLetter(out.charAt(0))) {
            out.insert(0, "Cnn");
        }
        return out + "Network";
    }

    /**
     * Whether a generated class of this name would hide a public java.lang type, such as
     * {@code String} or {@code Math}, that generated code names without its package.
     */
    public static boolean hidesJavaLang(String className) {
        try {
            return java.lang.reflect.Modifier.isPublic(Class.forName("java.lang." + className, false, null).getModifiers());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }


    private GeneratedSource write(String packageName, String className) {
        var type = TypeSpec.classBuilder(className)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc(classJavadoc());
        addConstants(type);
        if (skeleton.usesVectors()) {
            addSpecies(type);
        }
        if (skeleton.usesLaneShuffles()) {
            addShuffles(type);
        }
        addFields(type);
        type.addMethod(constructor());
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addParameter(int.class, "maxBatch")
                .addJavadoc("A network with zeroed parameters for batches of up to {@code maxBatch} examples.\n")
                .addStatement("this(maxBatch, newParameters())")
                .build());
        addAccessors(type);
        type.addMethod(forward());
        type.addMethod(publicLoss());
        type.addMethod(backward());
        if (staged.any()) {
            type.addMethods(staged.methods());
        }
        type.addMethods(skeleton.layerMethods());
        skeleton.outputForward().ifPresent(type::addMethod);
        type.addMethod(new LossOp(plan, p).lossAndGradient());
        if (skeleton.hasDropout()) {
            type.addMethod(mix());
        }
        type.addMethods(skeleton.sharedMethods());
        return skeleton.write(packageName, className, type.build(), "generate");
    }

    private String classJavadoc() {
        var doc = new StringBuilder();
        doc.append("The network of {@code ").append(ClassSkeleton.baseName(network.source().name())).append("}, ")
                .append(p.keyword()).append(" precision:\n\n");
        doc.append(ClassSkeleton.layerTable(network));
        doc.append("\n<p>Loss: ").append(network.loss().description()).append(". Parameters: ")
                .append(String.format(Locale.ROOT, "%,d", network.totalParams())).append(".\n");
        return ClassSkeleton.javadocText(doc.toString());
    }

    private void addConstants(TypeSpec.Builder type) {
        type.addField(ClassSkeleton.constant("INPUT_SIZE", network.input().size(), "Values per input example, in H, W, C order."));
        type.addField(ClassSkeleton.constant("OUTPUT_SIZE", network.output().size(), "Values per output example."));
        if (staged.any()) {
            type.addField(staged.stagesConstant());
        }
        skeleton.parameterTables().forEach(type::addField);
        type.addFields(skeleton.namedSizes());
    }

    /** The Vector API's preferred shape on this CPU, shared by every vectorized layer. */
    private void addSpecies(TypeSpec.Builder type) {
        String box = p == Precision.FLOAT ? "Float" : "Double";
        ClassName vector = ClassName.bestGuess(VectorTypes.vectorClass(p));
        TypeName species = com.palantir.javapoet.ParameterizedTypeName.get(
                ClassName.get(Backend.VECTOR_MODULE, "VectorSpecies"), ClassName.get("java.lang", box));
        type.addField(FieldSpec.builder(species, "SPECIES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.SPECIES_PREFERRED", vector).build());
    }

    /**
     * Lane shuffles and masks that split two vectors into even and odd lanes, spread one vector
     * over two, and swap the lanes of each pair.
     * Each shuffle stays within one vector and a blend joins two: Java 17 compiles a shuffle
     * across two vectors into slow code.
     */
    private void addShuffles(TypeSpec.Builder type) {
        String box = p == Precision.FLOAT ? "Float" : "Double";
        ClassName shuffles = ClassName.get(Backend.VECTOR_MODULE, "VectorShuffle");
        ClassName masks = ClassName.get(Backend.VECTOR_MODULE, "VectorMask");
        TypeName shuffle = com.palantir.javapoet.ParameterizedTypeName.get(shuffles, ClassName.get("java.lang", box));
        TypeName mask = com.palantir.javapoet.ParameterizedTypeName.get(masks, ClassName.get("java.lang", box));
        String[][] all = {
            {"EVEN", "i -> 2 * i % SPECIES.length()", "Even lanes into the lower half, and again into the upper."},
            {"ODD", "i -> (2 * i + 1) % SPECIES.length()", "Odd lanes into the lower half, and again into the upper."},
            {"SPREAD_LOW", "i -> i / 2", "Each lane of the lower half twice over."},
            {"SPREAD_HIGH", "i -> SPECIES.length() / 2 + i / 2", "Each lane of the upper half twice over."},
            {"PARTNER", "i -> i ^ 1", "Each lane's partner in its pair: lanes 1, 0, 3, 2, ..."},
        };
        for (String[] s : all) {
            type.addField(FieldSpec.builder(shuffle, s[0], Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc(s[2] + "\n")
                    .initializer("$T.fromOp(SPECIES, " + s[1] + ")", shuffles).build());
        }
        type.addField(FieldSpec.builder(mask, "UPPER_HALF", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The upper half of the lanes.\n")
                .initializer("$T.fromLong(SPECIES, -1L << SPECIES.length() / 2)", masks).build());
        type.addField(FieldSpec.builder(mask, "ODD_LANES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Lanes 1, 3, 5, ...\n")
                .initializer("$T.fromLong(SPECIES, 0xAAAAAAAAAAAAAAAAL)", masks).build());
    }

    private void addFields(TypeSpec.Builder type) {
        TypeName array = p.arrayType();
        type.addField(FieldSpec.builder(int.class, "maxBatch", Modifier.PRIVATE, Modifier.FINAL).build());
        for (Parameter param : parameters) {
            type.addField(FieldSpec.builder(array, param.field(), Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("{@code $L}, shape $L.\n", param.tensorName(), java.util.Arrays.toString(param.shape()))
                    .build());
        }
        for (Parameter param : parameters) {
            type.addField(FieldSpec.builder(array, param.field() + "Grad", Modifier.PRIVATE, Modifier.FINAL).build());
        }
        type.addFields(skeleton.bufferFields());
        type.addField(FieldSpec.builder(array, "inputGradHwc", Modifier.PRIVATE, Modifier.FINAL).build());
        type.addFields(skeleton.scratchFields());
        if (staged.any()) {
            type.addFields(staged.fields());
        }
        type.addField(FieldSpec.builder(long.class, "randomSeed", Modifier.PRIVATE).build());
        type.addField(FieldSpec.builder(long.class, "randomOffset", Modifier.PRIVATE).build());
        type.addField(FieldSpec.builder(boolean.class, "inputGradientEnabled", Modifier.PRIVATE).build());
        if (skeleton.reusesLayouts()) {
            type.addField(FieldSpec.builder(boolean.class, "weightsHeld", Modifier.PRIVATE).build());
            type.addField(FieldSpec.builder(boolean.class, "layoutsCurrent", Modifier.PRIVATE).build());
        }
    }

    private MethodSpec constructor() {
        String t = p.keyword();
        var code = new Code();
        code.open("if (maxBatch < 1)")
                .line("throw new IllegalArgumentException(\"maxBatch must be at least 1, not \" + maxBatch)")
                .close();
        code.open("if (parameters.length != " + parameters.size() + ")")
                .line("throw new IllegalArgumentException(\"expected " + parameters.size()
                        + " parameter arrays, not \" + parameters.length)")
                .close();
        code.loop("i", parameters.size())
                .line("int expected = size(PARAMETER_SHAPES[i])")
                .open("if (parameters[i] == null || parameters[i].length != expected)")
                .line("throw new IllegalArgumentException(PARAMETER_NAMES[i] + \" needs \" + expected + \" values, not \""
                        + " + (parameters[i] == null ? 0 : parameters[i].length))")
                .close()
                .close();
        int widest = plan.buffers().stream().mapToInt(Buffer::perExample).max().orElse(1);
        code.open("if (maxBatch > " + (Integer.MAX_VALUE - 8) / Math.max(1, widest) + ")")
                .line("throw new IllegalArgumentException(\"maxBatch \" + maxBatch + \" is too large: a buffer of "
                        + widest + " values per example would not fit a Java array\")")
                .close();
        code.line("this.maxBatch = maxBatch");
        for (int i = 0; i < parameters.size(); i++) {
            Parameter param = parameters.get(i);
            code.line(param.field() + " = parameters[" + i + "]");
            code.line(param.field() + "Grad = new " + t + "[" + param.size() + "]");
        }
        skeleton.allocateBuffers(code);
        code.line("inputGradHwc = new " + t + "[maxBatch * INPUT_SIZE]");
        skeleton.allocateScratch(code);
        if (staged.any()) {
            staged.allocate(code);
        }
        return MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addParameter(int.class, "maxBatch")
                .addParameter(ArrayTypeName.of(p.arrayType()), "parameters")
                .addJavadoc("A network for batches of up to {@code maxBatch} examples that uses (and shares) the given\n"
                        + "parameter arrays, in the order of {@link #parameterNames()}.\n")
                .addCode(code.build()).build();
    }

    private void addAccessors(TypeSpec.Builder type) {
        TypeName arrays = ArrayTypeName.of(p.arrayType());
        String t = p.keyword();
        var fresh = new StringBuilder();
        var params = new StringBuilder();
        var grads = new StringBuilder();
        for (Parameter param : parameters) {
            fresh.append(fresh.length() == 0 ? "" : ", ").append("new ").append(t).append("[").append(param.size()).append("]");
            params.append(params.length() == 0 ? "" : ", ").append(param.field());
            grads.append(grads.length() == 0 ? "" : ", ").append(param.field()).append("Grad");
        }
        type.addMethod(MethodSpec.methodBuilder("newParameters").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(arrays).addJavadoc("Zeroed parameter arrays of the right sizes.\n")
                .addStatement("return new $L[][] {$L}", t, fresh).build());
        type.addMethod(MethodSpec.methodBuilder("parameterNames").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(String[].class).addJavadoc("Tensor names as in model files, e.g. {@code conv1.weight}.\n")
                .addStatement("return PARAMETER_NAMES.clone()").build());
        type.addMethod(MethodSpec.methodBuilder("parameterShapes").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(int[][].class).addJavadoc("Tensor shapes, laid out as PyTorch does.\n")
                .addStatement("int[][] copy = new int[PARAMETER_SHAPES.length][]")
                .addStatement("for (int i = 0; i < copy.length; i++) copy[i] = PARAMETER_SHAPES[i].clone()")
                .addStatement("return copy").build());
        type.addMethod(MethodSpec.methodBuilder("size").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(int.class).addParameter(int[].class, "shape")
                .addStatement("int n = 1")
                .addStatement("for (int d : shape) n *= d")
                .addStatement("return n").build());
        type.addMethod(MethodSpec.methodBuilder("maxBatch").addModifiers(Modifier.PUBLIC).returns(int.class)
                .addStatement("return maxBatch").build());
        type.addMethod(MethodSpec.methodBuilder("parameters").addModifiers(Modifier.PUBLIC).returns(arrays)
                .addJavadoc("The live parameter arrays (shared with instances built from them).\n")
                .addStatement("return new $L[][] {$L}", t, params).build());
        type.addMethod(MethodSpec.methodBuilder("gradients").addModifiers(Modifier.PUBLIC).returns(arrays)
                .addJavadoc("The live gradient arrays, accumulated by {@link #backward} until {@link #zeroGradients}.\n")
                .addStatement("return new $L[][] {$L}", t, grads).build());
        var zero = MethodSpec.methodBuilder("zeroGradients").addModifiers(Modifier.PUBLIC);
        for (Parameter param : parameters) {
            zero.addStatement("$T.fill($LGrad, $L)", java.util.Arrays.class, param.field(), p.literal(0));
        }
        type.addMethod(zero.build());
        type.addMethod(MethodSpec.methodBuilder("output").addModifiers(Modifier.PUBLIC).returns(p.arrayType())
                .addJavadoc("The outputs of the last {@link #forward}: {@code OUTPUT_SIZE} values per example.\n")
                .addStatement("return $L", plan.output().name()).build());
        type.addMethod(MethodSpec.methodBuilder("setRandomState").addModifiers(Modifier.PUBLIC)
                .addParameter(long.class, "seed").addParameter(long.class, "firstExample")
                .addJavadoc("Seeds dropout for the next batch; {@code firstExample} is this batch's position in a larger\n"
                        + "batch split over several instances, so the split does not change the masks.\n")
                .addStatement("randomSeed = seed").addStatement("randomOffset = firstExample").build());
        type.addMethod(MethodSpec.methodBuilder("setInputGradientEnabled").addModifiers(Modifier.PUBLIC)
                .addParameter(boolean.class, "enabled")
                .addJavadoc("Whether {@link #backward} also computes {@link #inputGradient()} (training does not need it).\n")
                .addStatement("inputGradientEnabled = enabled").build());
        var hold = MethodSpec.methodBuilder("holdWeights").addModifiers(Modifier.PUBLIC)
                .addParameter(boolean.class, "held")
                .addJavadoc("While {@code held}, the caller promises not to change the parameters, and inference passes\n"
                        + "(training false) reuse the weights' layouts that the first of them derived"
                        + (skeleton.reusesLayouts() ? "" : " (this network derives none)") + ". Each call starts afresh.\n");
        if (skeleton.reusesLayouts()) {
            hold.addStatement("weightsHeld = held").addStatement("layoutsCurrent = false");
        }
        type.addMethod(hold.build());
        type.addMethod(MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PUBLIC).returns(p.arrayType())
                .addJavadoc("The loss gradient with respect to the inputs of the last {@link #backward}, in H, W, C order.\n")
                .addStatement("return inputGradHwc").build());
    }

    private MethodSpec forward() {
        var code = new Code();
        checkBatch(code, "INPUT_SIZE");
        if (skeleton.reusesLayouts()) {
            code.line("layoutsCurrent = layoutsCurrent && weightsHeld && !training");
        }
        if (staged.any()) {
            staged.trainInStages(code);
        }
        code.add(transpose(true));
        skeleton.forwardCalls(code);
        if (skeleton.reusesLayouts()) {
            code.line("layoutsCurrent = weightsHeld && !training");
        }
        return MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC)
                .addParameter(p.arrayType(), "inputs").addParameter(int.class, "offset")
                .addParameter(int.class, "batch").addParameter(boolean.class, "training")
                .addJavadoc("Runs {@code batch} examples, read from {@code inputs} at {@code offset} (H, W, C order),\n"
                        + "through the network; {@code training} turns dropout on"
                        + (staged.any() ? " and has each batchnorm normalize with the\nstatistics of these examples (and"
                                + " update its running averages), else with its running averages.\n" : ". ")
                        + "Results: {@link #output()}.\n")
                .addCode(code.build()).build();
    }

    private void checkBatch(Code code, String width) {
        code.open("if (batch < 1 || batch > maxBatch)")
                .line("throw new IllegalArgumentException(\"batch must be 1..\" + maxBatch + \", not \" + batch)")
                .close();
        String array = width.equals("INPUT_SIZE") ? "inputs" : "targets";
        code.open("if (offset < 0 || " + array + ".length - offset < (long) batch * " + width + ")")
                .line("throw new IllegalArgumentException(\"" + array + " hold fewer than \" + batch + \" examples of \" + "
                        + width + " + \" values after offset \" + offset)")
                .close();
    }

    /** Copies between the public H, W, C layout and the internal C, H, W one. */
    private CodeBlock transpose(boolean intoNetwork) {
        var code = new Code();
        Shape in = network.input();
        if (ClassSkeleton.sameInBothLayouts(in)) {
            code.line(intoNetwork ? "System.arraycopy(inputs, offset, input, 0, batch * INPUT_SIZE)"
                    : "System.arraycopy(inputGrad, 0, inputGradHwc, 0, batch * INPUT_SIZE)");
            return code.build();
        }
        code.loop("n", "batch").line("int base = n * INPUT_SIZE");
        ClassSkeleton.eachInputValue(code, (Shape.Volume) in, (chw, hwc) -> intoNetwork
                ? "input[base + " + chw + "] = inputs[offset + base + " + hwc + "]"
                : "inputGradHwc[base + " + hwc + "] = inputGrad[base + " + chw + "]");
        return code.close().build();
    }

    private MethodSpec publicLoss() {
        var code = new Code();
        checkBatch(code, "OUTPUT_SIZE");
        code.line("return lossAndGradient(targets, offset, batch, false)");
        return MethodSpec.methodBuilder("loss").addModifiers(Modifier.PUBLIC).returns(double.class)
                .addParameter(p.arrayType(), "targets").addParameter(int.class, "offset").addParameter(int.class, "batch")
                .addJavadoc("The loss of the last {@link #forward}, summed over its examples, against {@code targets}\n"
                        + "({@code OUTPUT_SIZE} values per example, e.g. one-hot labels).\n")
                .addCode(code.build()).build();
    }

    private MethodSpec backward() {
        var code = new Code();
        if (staged.any()) {
            staged.backwardInStages(code);
        } else {
            checkBatch(code, "OUTPUT_SIZE");
            code.line("double loss = lossAndGradient(targets, offset, batch, true)");
            skeleton.backwardCalls(code);
            code.open("if (inputGradientEnabled)").add(transpose(false)).close();
            code.line("return loss");
        }
        return MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC).returns(double.class)
                .addParameter(p.arrayType(), "targets").addParameter(int.class, "offset").addParameter(int.class, "batch")
                .addJavadoc("Back-propagates the loss of the last {@link #forward} against {@code targets}: adds the\n"
                        + "gradient of the summed loss to {@link #gradients()} and returns that loss.\n")
                .addCode(code.build()).build();
    }

    private MethodSpec mix() {
        return MethodSpec.methodBuilder("mix").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(long.class)
                .addParameter(long.class, "z")
                .addJavadoc("SplitMix64's finaliser: a well-mixed hash for dropout's keep/drop decisions.\n")
                .addStatement("z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L")
                .addStatement("z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL")
                .addStatement("return z ^ (z >>> 31)")
                .build();
    }

}
