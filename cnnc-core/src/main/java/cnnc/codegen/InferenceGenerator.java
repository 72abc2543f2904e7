package cnnc.codegen;

import cnnc.data.Normalization;
import cnnc.model.Layer;
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
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Writes the inference-only class of a trained network, the one {@code cnnc build} packs into a
 * jar: no gradients, no dropout (the identity at inference), no loss. Its API is small: build it
 * from the weights packed next to it or from a safetensors stream, then {@code predict} or
 * {@code classify}.
 *
 * <p>The layer code is the training class's: the same layer ops write it, in inference mode, into a
 * nested {@code ForwardPass} that holds one thread's activation buffers. So predictions equal the
 * trainer's bit for bit, and an instance is safe to share between threads: the weights never
 * change after construction, and each thread gets its own {@code ForwardPass} from a
 * {@code ThreadLocal}, with no lock on the way.
 *
 * <p>The weights resource is the safetensors file itself, so {@code model.safetensors} from
 * {@code cnnc train} loads through the same constructor. The class reads it with java.base only,
 * checking each tensor's name, dtype, shape and extent against the network before trusting it.
 */
public final class InferenceGenerator {
    /** Examples one thread's buffers hold at most; a larger batch runs in blocks. */
    static final int MAX_BLOCK = 64;
    /** A block's buffers stay under about this many floats (4 MB), unless one example needs more. */
    static final int BLOCK_FLOATS = 1 << 20;

    private static final ClassName ARRAYS = ClassName.get(Arrays.class);
    private static final ClassName INPUT_STREAM = ClassName.get(InputStream.class);
    private static final ClassName IO_EXCEPTION = ClassName.get(IOException.class);
    private static final String PASS = "ForwardPass";

    private final Network network;
    private final Plan plan;
    private final ClassSkeleton skeleton;
    private final InferenceDocs docs;
    private final int positiveClass;
    private final Optional<Normalization> normalization;
    private final List<Parameter> parameters;
    private final String packageName;
    private final String className;
    private final Precision p = Precision.FLOAT;

    private InferenceGenerator(Network network, String packageName, String className, InferenceOptions options) {
        this.network = network;
        this.packageName = packageName;
        this.plan = Plan.of(network, Mode.INFERENCE);
        this.skeleton = new ClassSkeleton(plan, p, Backend.SCALAR);
        this.parameters = skeleton.parameters();
        this.className = className;
        this.positiveClass = options.positiveClass();
        this.normalization = options.normalization();
        this.docs = new InferenceDocs(network, className, options);
    }

    /**
     * Generates the class; {@code className} null means one derived from the file name.
     *
     * @throws IllegalArgumentException if the class name is one the code cannot take ({@link #nameProblem})
     */
    public static GeneratedSource generate(Network network, String packageName, String className) {
        return generate(network, packageName, className, InferenceOptions.of(network));
    }

    /** Generates the class with what its trained model adds ({@link InferenceOptions}). */
    public static GeneratedSource generate(Network network, String packageName, String className, InferenceOptions options) {
        String name = className != null ? className : JavaGenerator.defaultClassName(network.source().name());
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new InferenceGenerator(network, packageName, name, options).write();
    }

    /**
     * The inference class and the weights reader it needs beside it ({@link RuntimeSource}): the
     * sources to compile and pack together.
     */
    public static List<GeneratedSource> sources(Network network, String packageName, String className) {
        return sources(network, packageName, className, InferenceOptions.of(network));
    }

    /** As {@link #sources(Network, String, String)}, with what the trained model adds. */
    public static List<GeneratedSource> sources(Network network, String packageName, String className,
            InferenceOptions options) {
        GeneratedSource main = generate(network, packageName, className, options);
        var sources = new ArrayList<GeneratedSource>();
        sources.add(main);
        sources.addAll(RuntimeSource.weightsReader(packageName, main.className()));
        return sources;
    }

    /**
     * Why the class cannot be called {@code className}, or null: a nested class cannot share its
     * enclosing class's name, and the code names java.lang types such as {@code Math} unqualified.
     */
    public static String nameProblem(String className) {
        if (className.equals(PASS)) {
            return "the class cannot be called " + className + ": that is the name of one of its nested classes";
        }
        if (JavaGenerator.hidesJavaLang(className)) {
            return "the class cannot be called " + className + ": it would hide java.lang." + className
                    + ", which the generated code uses";
        }
        return null;
    }

    /** The resource, next to the class, that holds its weights: {@code LabNetwork.safetensors}. */
    public static String weightsResource(String className) {
        return className + ".safetensors";
    }


    private GeneratedSource write() {
        var type = TypeSpec.classBuilder(className)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc(docs.classJavadoc());
        addConstants(type);
        type.addField(FieldSpec.builder(ArrayTypeName.of(p.arrayType()), "parameters", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("The weights, in the order of {@code PARAMETER_NAMES}; never written after construction.\n")
                .build());
        if (!layouts().isEmpty()) {
            type.addField(FieldSpec.builder(layoutsType(), "layouts", Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("The weights laid out for the forward code (dense weights transposed): derived once, read by every\n"
                            + "thread's buffers, never written after construction.\n")
                    .build());
        }
        TypeName passes = ParameterizedTypeName.get(ClassName.get(ThreadLocal.class), passType());
        type.addField(FieldSpec.builder(passes, "passes", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("Each calling thread's buffers, so concurrent predictions share nothing they write.\n")
                .initializer("new $T<>()", ThreadLocal.class).build());
        addConstructors(type);
        addPredictions(type);
        addWeightsReader(type);
        type.addType(forwardPass());
        return skeleton.write(packageName, className, type.build(), "build");
    }

    private List<SharedLayout> layouts() {
        return skeleton.sharedLayouts();
    }

    private TypeName layoutsType() {
        return ArrayTypeName.of(ArrayTypeName.of(p.arrayType()));
    }

    /** The static method that derives every layout from the weights, in the order the passes read them. */
    private MethodSpec layoutsMethod() {
        var code = new Code();
        var sources = new java.util.LinkedHashSet<String>();
        layouts().forEach(l -> sources.add(l.source()));
        for (int i = 0; i < parameters.size(); i++) {
            if (sources.contains(parameters.get(i).field())) {
                code.line(p.keyword() + "[] " + parameters.get(i).field() + " = parameters[" + i + "]");
            }
        }
        var names = new ArrayList<String>();
        for (SharedLayout layout : layouts()) {
            code.line(p.keyword() + "[][] " + layout.name() + " = " + layout.allocation());
            code.add(layout.fill());
            names.add(layout.name());
        }
        code.line("return new " + p.keyword() + "[][][] {" + String.join(", ", names) + "}");
        return MethodSpec.methodBuilder("layouts").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(layoutsType()).addParameter(ArrayTypeName.of(p.arrayType()), "parameters")
                .addJavadoc("Lays the weights out for the forward code, once for all threads.\n")
                .addCode(code.build()).build();
    }

    private ClassName passType() {
        return ClassName.get(packageName, className, PASS);
    }

    // ------------------------------------------------------------------ constants and fields

    private void addConstants(TypeSpec.Builder type) {
        Shape in = network.input();
        if (in instanceof Shape.Volume v) {
            type.addField(ClassSkeleton.constant("INPUT_HEIGHT", v.height(), "Input height (rows)."));
            type.addField(ClassSkeleton.constant("INPUT_WIDTH", v.width(), "Input width (columns)."));
            type.addField(ClassSkeleton.constant("INPUT_CHANNELS", v.channels(), "Input channels (1 for grayscale)."));
            type.addField(ClassSkeleton.constant("INPUT_SIZE", in.size(),
                    "Values per input: {@code INPUT_HEIGHT * INPUT_WIDTH * INPUT_CHANNELS}, channels last."));
        } else {
            type.addField(ClassSkeleton.constant("INPUT_SIZE", in.size(), "Values per input."));
        }
        type.addField(ClassSkeleton.constant("OUTPUT_SIZE", network.output().size(), "Values per output."));
        normalization.ifPresent(n -> {
            type.addField(floats("INPUT_MEAN", n.mean(), "Each input channel's mean on the training set, subtracted from every input."));
            type.addField(floats("INPUT_STD", n.std(), "Each input channel's standard deviation on the training set, which divides it."));
        });
        if (docs.singleProbability()) {
            type.addField(ClassSkeleton.constant("POSITIVE_CLASS", positiveClass,
                    "The class whose probability the single output is: {@link #classify(float[])} answers 1 for it."));
        }
        type.addField(FieldSpec.builder(String.class, "WEIGHTS_RESOURCE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The resource next to this class that holds the trained weights (safetensors format).\n")
                .initializer("$S", weightsResource(className)).build());
        if (in instanceof Shape.Volume) {
            type.addField(FieldSpec.builder(String.class, "INPUT_SHAPE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$S", docs.inputShape()).build());
        }
        skeleton.parameterTables().forEach(type::addField);
        type.addFields(skeleton.namedSizes());
        type.addField(FieldSpec.builder(int.class, "BLOCK", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Examples one thread's buffers hold at most; a larger batch runs in blocks of this many.\n")
                .initializer("$L", block()).build());
    }

    /** Values one example needs across the forward buffers. */
    private long floatsPerExample() {
        long n = 0;
        for (Buffer b : plan.forwardBuffers()) {
            n += b.perExample();
        }
        for (var step : plan.steps()) {
            var conv = step.layer().asConv();
            if (conv.isPresent() && conv.get().padded()) {
                Layer.Conv c = conv.get();
                n += (long) c.in().channels() * (c.in().height() + c.padTop() + c.padBottom())
                        * (c.in().width() + c.padLeft() + c.padRight());
            }
        }
        return Math.max(1, n);
    }

    private int block() {
        return (int) Math.max(1, Math.min(MAX_BLOCK, BLOCK_FLOATS / floatsPerExample()));
    }

    // ------------------------------------------------------------------ public API

    private void addConstructors(TypeSpec.Builder type) {
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addJavadoc("Loads the trained weights packed next to this class ({@link #WEIGHTS_RESOURCE}).\n\n"
                        + "@throws IllegalStateException if that resource is missing or corrupt (a broken jar)\n")
                .addStatement("this(embeddedWeights())").build());
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addParameter(INPUT_STREAM, "weights")
                .addException(IO_EXCEPTION)
                .addJavadoc("Loads weights in the safetensors format from a stream, such as the {@code model.safetensors}\n"
                        + "that {@code cnnc train} writes for {@code $L}. The stream is read to its end; the caller closes it.\n\n"
                        + "@param weights a float32 tensor for each of the network's weights, named and shaped as in training\n"
                        + "@throws IOException if the stream cannot be read, is not a safetensors file, is truncated, or does\n"
                        + "    not hold a float32 tensor of the right shape for each weight\n", docs.fileName())
                .addStatement("this(readWeights(weights, $S))", "the weights stream").build());
        var constructor = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                .addParameter(ArrayTypeName.of(p.arrayType()), "parameters")
                .addStatement("this.parameters = parameters");
        if (!layouts().isEmpty()) {
            constructor.addStatement("this.layouts = layouts(parameters)");
        }
        type.addMethod(constructor.build());
        if (!layouts().isEmpty()) {
            type.addMethod(layoutsMethod());
        }
    }

    private void addPredictions(TypeSpec.Builder type) {
        String inputParam = "@param input " + docs.inputDoc() + "\n";
        String wrongLength = "@throws IllegalArgumentException if {@code input} does not hold exactly {@link #INPUT_SIZE} values\n";
        type.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC)
                .returns(float[].class).addParameter(float[].class, "input")
                .addJavadoc(InferenceDocs.wrap("The network's output for one input: " + docs.outputsDescription() + ".\n\n" + inputParam
                        + "@return a new array of {@link #OUTPUT_SIZE} values\n" + wrongLength))
                .addStatement("checkInput(input, -1)")
                .addStatement("$L pass = pass(1)", PASS)
                .addStatement("pass.load(input, 0)")
                .addStatement("pass.run(1)")
                .addStatement("return $T.copyOf(pass.output(), OUTPUT_SIZE)", ARRAYS).build());
        type.addMethod(MethodSpec.methodBuilder("classify").addModifiers(Modifier.PUBLIC)
                .returns(int.class).addParameter(float[].class, "input")
                .addJavadoc(InferenceDocs.wrap("The class the network picks for one input: " + docs.classifyDescription() + ".\n\n"
                        + inputParam + wrongLength))
                .addStatement("checkInput(input, -1)")
                .addStatement("$L pass = pass(1)", PASS)
                .addStatement("pass.load(input, 0)")
                .addStatement("pass.run(1)")
                .addStatement("return classOf(pass.output(), 0)").build());
        type.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC)
                .returns(float[][].class).addParameter(float[][].class, "inputs")
                .addJavadoc("The network's outputs for a batch of inputs, computed in blocks of up to $L; each output\n"
                        + "equals {@link #predict(float[])} of its input.\n\n"
                        + "@param inputs the inputs, each as for {@link #predict(float[])}\n"
                        + "@return a new array of {@link #OUTPUT_SIZE} values per input, in order\n"
                        + "@throws IllegalArgumentException if an input does not hold exactly {@link #INPUT_SIZE} values\n",
                        block())
                .addCode(new Code()
                        .open("if (inputs == null)").line("throw new NullPointerException(\"inputs is null\")").close()
                        .loop("i", "inputs.length").line("checkInput(inputs[i], i)").close()
                        .line("float[][] outputs = new float[inputs.length][]")
                        .open("if (inputs.length == 0)").line("return outputs").close()
                        .line(PASS + " pass = pass(inputs.length)")
                        .open("for (int from = 0; from < inputs.length; from += pass.capacity)")
                        .line("int count = Math.min(pass.capacity, inputs.length - from)")
                        .loop("n", "count").line("pass.load(inputs[from + n], n)").close()
                        .line("pass.run(count)")
                        .line("float[] out = pass.output()")
                        .loop("n", "count")
                        .line("outputs[from + n] = java.util.Arrays.copyOfRange(out, n * OUTPUT_SIZE, (n + 1) * OUTPUT_SIZE)")
                        .close()
                        .close()
                        .line("return outputs")
                        .build())
                .build());
        type.addMethod(MethodSpec.methodBuilder("pass").addModifiers(Modifier.PRIVATE)
                .returns(passType()).addParameter(int.class, "examples")
                .addJavadoc("This thread's buffers, (re)made large enough for {@code examples}, or a block of them.\n")
                .addCode(CodeBlock.builder().addNamed("""
                        $pass:L pass = passes.get();
                        if (pass == null || pass.capacity < Math.min(examples, BLOCK)) {
                            int capacity = Math.min(BLOCK, Math.max(examples, pass == null ? 1 : 2 * pass.capacity));
                            pass = new $pass:L(parameters, $layouts:Lcapacity);
                            passes.set(pass);
                        }
                        return pass;
                        """, Map.of("pass", PASS, "layouts", layouts().isEmpty() ? "" : "layouts, ")).build())
                .build());
        type.addMethod(MethodSpec.methodBuilder("checkInput").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(float[].class, "input").addParameter(int.class, "index")
                .addJavadoc("Rejects an input of the wrong length, naming the shape expected; {@code index} is -1 for a single input.\n")
                .addCode(CodeBlock.builder().addNamed("""
                        String what = index < 0 ? "input" : "inputs[" + index + "]";
                        if (input == null) {
                            throw new NullPointerException(what + " is null");
                        }
                        if (input.length != INPUT_SIZE) {
                            throw new IllegalArgumentException(what + ": expected " + INPUT_SIZE + " values ($shape:L), got "
                                    + input.length);
                        }
                        """, Map.of("shape", network.input() instanceof Shape.Volume ? "\" + INPUT_SHAPE + \"" : "a vector"))
                        .build())
                .build());
        var classOf = MethodSpec.methodBuilder("classOf").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(int.class).addParameter(float[].class, "output").addParameter(int.class, "offset");
        if (docs.singleProbability()) {
            classOf.addStatement("return output[offset] >= 0.5f ? 1 : 0");
        } else {
            classOf.addCode("""
                    int best = 0;
                    for (int j = 1; j < OUTPUT_SIZE; j++) {
                        if (output[offset + j] > output[offset + best]) {
                            best = j;
                        }
                    }
                    return best;
                    """);
        }
        type.addMethod(classOf.build());
    }

    // ------------------------------------------------------------------ the forward pass

    private TypeSpec forwardPass() {
        String t = p.keyword();
        var pass = TypeSpec.classBuilder(PASS).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("One thread's activation buffers for up to {@code capacity} examples, and the layers' forward code\n"
                        + "that fills them: the training class's code, with dropout (the identity here) left out.\n");
        pass.addField(FieldSpec.builder(int.class, "capacity", Modifier.FINAL).build());
        for (Parameter param : parameters) {
            pass.addField(FieldSpec.builder(p.arrayType(), param.field(), Modifier.PRIVATE, Modifier.FINAL).build());
        }
        pass.addFields(skeleton.bufferFields());
        pass.addFields(skeleton.scratchFields());
        // The ops' allocations are written for a variable named maxBatch.
        var constructor = new Code().line("this.capacity = maxBatch");
        for (int i = 0; i < parameters.size(); i++) {
            constructor.line(parameters.get(i).field() + " = parameters[" + i + "]");
        }
        for (int i = 0; i < layouts().size(); i++) {
            String name = layouts().get(i).name();
            pass.addField(FieldSpec.builder(ArrayTypeName.of(p.arrayType()), name, Modifier.PRIVATE, Modifier.FINAL).build());
            constructor.line(name + " = layouts[" + i + "]");
        }
        skeleton.allocateBuffers(constructor);
        skeleton.allocateScratch(constructor);
        var passConstructor = MethodSpec.constructorBuilder().addParameter(ArrayTypeName.of(p.arrayType()), "parameters");
        if (!layouts().isEmpty()) {
            passConstructor.addParameter(layoutsType(), "layouts");
        }
        pass.addMethod(passConstructor.addParameter(int.class, "maxBatch").addCode(constructor.build()).build());
        pass.addMethod(load());
        var run = new Code();
        skeleton.forwardCalls(run);
        pass.addMethod(MethodSpec.methodBuilder("run").addParameter(int.class, "batch")
                .addJavadoc("Runs the first {@code batch} loaded examples through the network; results in {@link #output()}.\n")
                .addCode(run.build()).build());
        pass.addMethod(MethodSpec.methodBuilder("output").returns(p.arrayType())
                .addJavadoc("{@code OUTPUT_SIZE} values per example of the last {@link #run}.\n")
                .addStatement("return $L", plan.output().name()).build());
        pass.addMethods(skeleton.layerMethods());
        skeleton.outputForward().ifPresent(pass::addMethod);
        pass.addMethods(skeleton.sharedMethods());
        return pass.build();
    }

    /** Copies one example from the public H, W, C layout into slot {@code n} of the internal C, H, W one. */
    private MethodSpec load() {
        var code = new Code();
        Shape in = network.input();
        String input = plan.input().name();
        if (ClassSkeleton.sameInBothLayouts(in) && normalization.isEmpty()) {
            code.line("System.arraycopy(example, 0, " + input + ", n * INPUT_SIZE, INPUT_SIZE)");
        } else if (ClassSkeleton.sameInBothLayouts(in)) {
            code.line("int base = n * INPUT_SIZE")
                    .loop("j", "INPUT_SIZE").line(input + "[base + j] = (example[j] - INPUT_MEAN[0]) / INPUT_STD[0]").close();
        } else {
            code.line("int base = n * INPUT_SIZE");
            ClassSkeleton.eachInputValue(code, (Shape.Volume) in, (chw, hwc) -> input + "[base + " + chw + "] = "
                    + (normalization.isEmpty() ? "example[" + hwc + "]" : "(example[" + hwc + "] - INPUT_MEAN[ch]) / INPUT_STD[ch]"));
        }
        return MethodSpec.methodBuilder("load").addParameter(float[].class, "example").addParameter(int.class, "n")
                .addJavadoc("Copies one example, given in H, W, C order, into slot {@code n} in C, H, W order"
                        + (normalization.isEmpty() ? ".\n" : ",\nnormalized per channel as in training.\n"))
                .addCode(code.build()).build();
    }

    /** A private float[] constant, each value a float literal that reads back to the same bits. */
    private static FieldSpec floats(String name, float[] values, String doc) {
        var init = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            init.append(i == 0 ? "" : ", ").append(Precision.FLOAT.literal(values[i]));
        }
        return FieldSpec.builder(float[].class, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc(doc + "\n").initializer("$L", init.append("}")).build();
    }

    // ------------------------------------------------------------------ reading weights

    private void addWeightsReader(TypeSpec.Builder type) {
        Map<String, Object> names = Map.of("cls", className, "in", INPUT_STREAM, "ioe", IO_EXCEPTION);
        type.addMethod(MethodSpec.methodBuilder("embeddedWeights").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(ArrayTypeName.of(p.arrayType()))
                .addCode(CodeBlock.builder().addNamed("""
                        try ($in:T in = $cls:L.class.getResourceAsStream(WEIGHTS_RESOURCE)) {
                            if (in == null) {
                                throw new IllegalStateException("the resource " + WEIGHTS_RESOURCE + " is missing next to "
                                        + $cls:L.class.getName() + ": the jar is incomplete");
                            }
                            return readWeights(in, "the resource " + WEIGHTS_RESOURCE);
                        } catch ($ioe:T e) {
                            throw new IllegalStateException("the weights packed with " + $cls:L.class.getName()
                                    + " cannot be loaded: " + e.getMessage(), e);
                        }
                        """, names).build())
                .build());
        type.addMethod(MethodSpec.methodBuilder("readWeights").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(ArrayTypeName.of(p.arrayType()))
                .addParameter(INPUT_STREAM, "in").addParameter(String.class, "source").addException(IO_EXCEPTION)
                .addJavadoc("Reads a safetensors stream with {@link $L}, which checks that each weight\n"
                        + "is there as F32 with its exact shape and holds finite values.\n", weightsReaderName(className))
                .addStatement("return $L.read(in, source, $S, PARAMETER_NAMES, PARAMETER_SHAPES)",
                        weightsReaderName(className), className)
                .build());
    }

    /** The weights reader copied beside the class: {@code LabNetwork} reads with {@code LabNetworkWeights}. */
    public static String weightsReaderName(String className) {
        return className + "Weights";
    }
}
