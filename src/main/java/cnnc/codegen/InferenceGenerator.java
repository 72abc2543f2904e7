package cnnc.codegen;

import cnnc.model.Layer;
import cnnc.model.Loss;
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
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Writes the inference-only class of a trained network, the one {@code cnnc build} packs into a
 * jar: no gradients, no dropout (the identity at inference), no loss. Its API is small: build it
 * from the weights packed next to it or from a safetensors stream, then {@code predict} or
 * {@code classify}.
 *
 * <p>The layer code is the training class's: the same emitters write it, in inference mode, into a
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
    private static final String READER = "HeaderReader";

    private final Network network;
    private final Plan plan;
    private final ClassSkeleton skeleton;
    private final List<Parameter> parameters;
    private final String packageName;
    private final String className;
    private final Precision p = Precision.FLOAT;

    private InferenceGenerator(Network network, String packageName, String className) {
        this.network = network;
        this.packageName = packageName;
        this.plan = Plan.of(network, Mode.INFERENCE);
        this.skeleton = new ClassSkeleton(plan, p, Backend.SCALAR);
        this.parameters = skeleton.parameters();
        this.className = className;
    }

    /**
     * Generates the class; {@code className} null means one derived from the file name.
     *
     * @throws IllegalArgumentException if the class name is one the code cannot take ({@link #nameProblem})
     */
    public static GeneratedSource generate(Network network, String packageName, String className) {
        String name = className != null ? className : JavaGenerator.defaultClassName(network.source().name());
        String problem = nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new InferenceGenerator(network, packageName, name).write();
    }

    /**
     * Why the class cannot be called {@code className}, or null: a nested class cannot share its
     * enclosing class's name, and the code names java.lang types such as {@code Math} unqualified.
     */
    public static String nameProblem(String className) {
        if (className.equals(PASS) || className.equals(READER)) {
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
                .addJavadoc(classJavadoc());
        addConstants(type);
        type.addField(FieldSpec.builder(ArrayTypeName.of(p.arrayType()), "parameters", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("The weights, in the order of {@code PARAMETER_NAMES}; never written after construction.\n")
                .build());
        TypeName passes = ParameterizedTypeName.get(ClassName.get(ThreadLocal.class), passType());
        type.addField(FieldSpec.builder(passes, "passes", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("Each calling thread's buffers, so concurrent predictions share nothing they write.\n")
                .initializer("new $T<>()", ThreadLocal.class).build());
        addConstructors(type);
        addPredictions(type);
        addWeightsReader(type);
        type.addType(forwardPass());
        type.addType(headerReader());
        return skeleton.write(packageName, className, type.build(), "build");
    }

    private ClassName passType() {
        return ClassName.get(packageName, className, PASS);
    }

    // ------------------------------------------------------------------ descriptions

    private String fileName() {
        return ClassSkeleton.baseName(network.source().name());
    }

    /** {@code 28x28x1, height x width x channels}, or {@code 784} for a vector input. */
    private String inputShape() {
        Shape in = network.input();
        return in instanceof Shape.Volume ? in.text() + ", height x width x channels" : in.text();
    }

    private boolean singleProbability() {
        return network.output().size() == 1 && network.loss() == Loss.BINARY_CROSSENTROPY;
    }

    private String outputsDescription() {
        int n = network.output().size();
        if (network.loss() == Loss.CATEGORICAL_CROSSENTROPY) {
            return "the " + n + " class probabilities (they sum to 1)";
        } else if (singleProbability()) {
            return "one value, the probability of the positive class";
        } else if (network.loss() == Loss.BINARY_CROSSENTROPY) {
            return n + " independent probabilities";
        }
        return "the " + n + " output" + (n == 1 ? "" : "s");
    }

    private String classifyDescription() {
        if (singleProbability()) {
            return "1 if the probability of the positive class is at least 0.5, else 0";
        }
        return "the index of the largest output (the lowest index on ties)";
    }

    private String inputDoc() {
        Shape in = network.input();
        String values = "{@value #INPUT_SIZE} values";
        if (in instanceof Shape.Volume v) {
            values += ", " + v.text() + " in height, width, channels order (channels last, row by row)";
        }
        return values + ", scaled as during training";
    }

    private String classJavadoc() {
        var doc = new StringBuilder();
        doc.append("The network of {@code ").append(fileName()).append("} with its trained weights, for predictions:\n\n");
        doc.append(ClassSkeleton.layerTable(network));
        doc.append("\n<p>An input is ").append(inputDoc())
                .append(" (for MNIST: each pixel / 255, a light digit on a dark background). {@link #predict(float[])} gives ")
                .append(outputsDescription()).append("; {@link #classify(float[])} gives ").append(classifyDescription())
                .append(".\n\n<pre>\n")
                .append(className).append(" network = new ").append(className).append("(); // the weights packed with this class\n")
                .append("int answer = network.classify(input);\n</pre>\n\n");
        doc.append("<p>Thread safety: an instance never changes after construction and may be shared by any number of\n"
                + "threads. Each calling thread gets its own scratch buffers (kept while the thread and the instance\n"
                + "live), so predictions take no lock.\n\n");
        doc.append("<p>Generated by cnnc ").append(cnnc.Version.VERSION)
                .append("; depends on java.base only (Java 17 or later). Parameters: ")
                .append(String.format(Locale.ROOT, "%,d", network.totalParams())).append(".\n");
        return ClassSkeleton.javadocText(wrap(doc.toString()));
    }

    /** Breaks Javadoc lines longer than 96 characters at spaces (no line of a {@code <pre>} block is). */
    static String wrap(String text) {
        var out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String indent = line.startsWith("@") ? "    " : "";
            while (line.length() > 96 && line.lastIndexOf(' ', 96) > indent.length()) {
                int cut = line.lastIndexOf(' ', 96);
                out.append(line, 0, cut).append('\n');
                line = indent + line.substring(cut + 1);
            }
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
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
        type.addField(FieldSpec.builder(String.class, "WEIGHTS_RESOURCE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The resource next to this class that holds the trained weights (safetensors format).\n")
                .initializer("$S", weightsResource(className)).build());
        if (in instanceof Shape.Volume) {
            type.addField(FieldSpec.builder(String.class, "INPUT_SHAPE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$S", inputShape()).build());
        }
        skeleton.parameterTables().forEach(type::addField);
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
                        + "    not hold a float32 tensor of the right shape for each weight\n", fileName())
                .addStatement("this(readWeights(weights, $S))", "the weights stream").build());
        type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                .addParameter(ArrayTypeName.of(p.arrayType()), "parameters")
                .addStatement("this.parameters = parameters").build());
    }

    private void addPredictions(TypeSpec.Builder type) {
        String inputParam = "@param input " + inputDoc() + "\n";
        String wrongLength = "@throws IllegalArgumentException if {@code input} does not hold exactly {@link #INPUT_SIZE} values\n";
        type.addMethod(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC)
                .returns(float[].class).addParameter(float[].class, "input")
                .addJavadoc(wrap("The network's output for one input: " + outputsDescription() + ".\n\n" + inputParam
                        + "@return a new array of {@link #OUTPUT_SIZE} values\n" + wrongLength))
                .addStatement("checkInput(input, -1)")
                .addStatement("$L pass = pass(1)", PASS)
                .addStatement("pass.load(input, 0)")
                .addStatement("pass.run(1)")
                .addStatement("return $T.copyOf(pass.output(), OUTPUT_SIZE)", ARRAYS).build());
        type.addMethod(MethodSpec.methodBuilder("classify").addModifiers(Modifier.PUBLIC)
                .returns(int.class).addParameter(float[].class, "input")
                .addJavadoc(wrap("The class the network picks for one input: " + classifyDescription() + ".\n\n"
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
                .addCode(CodeBlock.builder().addNamed("""
                        if (inputs == null) {
                            throw new NullPointerException("inputs is null");
                        }
                        for (int i = 0; i < inputs.length; i++) {
                            checkInput(inputs[i], i);
                        }
                        float[][] outputs = new float[inputs.length][];
                        if (inputs.length == 0) {
                            return outputs;
                        }
                        $pass:L pass = pass(inputs.length);
                        for (int from = 0; from < inputs.length; from += pass.capacity) {
                            int count = Math.min(pass.capacity, inputs.length - from);
                            for (int n = 0; n < count; n++) {
                                pass.load(inputs[from + n], n);
                            }
                            pass.run(count);
                            float[] out = pass.output();
                            for (int n = 0; n < count; n++) {
                                outputs[from + n] = $arrays:T.copyOfRange(out, n * OUTPUT_SIZE, (n + 1) * OUTPUT_SIZE);
                            }
                        }
                        return outputs;
                        """, Map.of("pass", PASS, "arrays", ARRAYS)).build())
                .build());
        type.addMethod(MethodSpec.methodBuilder("pass").addModifiers(Modifier.PRIVATE)
                .returns(passType()).addParameter(int.class, "examples")
                .addJavadoc("This thread's buffers, (re)made large enough for {@code examples}, or a block of them.\n")
                .addCode(CodeBlock.builder().addNamed("""
                        $pass:L pass = passes.get();
                        if (pass == null || pass.capacity < Math.min(examples, BLOCK)) {
                            int capacity = Math.min(BLOCK, Math.max(examples, pass == null ? 1 : 2 * pass.capacity));
                            pass = new $pass:L(parameters, capacity);
                            passes.set(pass);
                        }
                        return pass;
                        """, Map.of("pass", PASS)).build())
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
        if (singleProbability()) {
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
        skeleton.allocateBuffers(constructor);
        skeleton.allocateScratch(constructor);
        pass.addMethod(MethodSpec.constructorBuilder()
                .addParameter(ArrayTypeName.of(p.arrayType()), "parameters").addParameter(int.class, "maxBatch")
                .addCode(constructor.build()).build());
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
        return pass.build();
    }

    /** Copies one example from the public H, W, C layout into slot {@code n} of the internal C, H, W one. */
    private MethodSpec load() {
        var code = new Code();
        Shape in = network.input();
        String input = plan.input().name();
        if (ClassSkeleton.sameInBothLayouts(in)) {
            code.line("System.arraycopy(example, 0, " + input + ", n * INPUT_SIZE, INPUT_SIZE)");
        } else {
            code.line("int base = n * INPUT_SIZE");
            ClassSkeleton.eachInputValue(code, (Shape.Volume) in, (chw, hwc) -> input + "[base + " + chw + "] = example[" + hwc + "]");
        }
        return MethodSpec.methodBuilder("load").addParameter(float[].class, "example").addParameter(int.class, "n")
                .addJavadoc("Copies one example, given in H, W, C order, into slot {@code n} in C, H, W order.\n")
                .addCode(code.build()).build();
    }

    // ------------------------------------------------------------------ reading weights

    private void addWeightsReader(TypeSpec.Builder type) {
        Map<String, Object> names = new java.util.HashMap<>();
        names.put("cls", className);
        names.put("in", INPUT_STREAM);
        names.put("ioe", IO_EXCEPTION);
        names.put("arrays", ARRAYS);
        names.put("bytes", ClassName.get("java.nio", "ByteBuffer"));
        names.put("order", ClassName.get("java.nio", "ByteOrder"));
        names.put("floats", ClassName.get("java.nio", "FloatBuffer"));
        names.put("utf8", ClassName.get("java.nio.charset", "StandardCharsets"));
        names.put("map", ClassName.get(Map.class));
        names.put("list", ClassName.get(List.class));
        names.put("reader", READER);
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
                .addJavadoc("Reads a safetensors stream: an 8-byte little-endian header length, a JSON header, then the\n"
                        + "tensors' float32 data. Every weight must be there as F32 with its exact shape and extent.\n")
                .addCode(CodeBlock.builder().addNamed("""
                        if (in == null) {
                            throw new NullPointerException("weights is null");
                        }
                        byte[] prefix = in.readNBytes(8);
                        if (prefix.length < 8) {
                            throw corrupt(source, "it holds " + prefix.length + " bytes, too few for a safetensors file");
                        }
                        long headerLength = $bytes:T.wrap(prefix).order($order:T.LITTLE_ENDIAN).getLong();
                        if (headerLength < 2 || headerLength > 100_000_000L) {
                            throw corrupt(source, "its header length " + Long.toUnsignedString(headerLength)
                                    + " is implausible: it is not a safetensors file");
                        }
                        byte[] headerBytes = in.readNBytes((int) headerLength);
                        if (headerBytes.length < headerLength) {
                            throw corrupt(source, "it is truncated: the header should be " + headerLength + " bytes, but only "
                                    + headerBytes.length + " follow");
                        }
                        Object root = new $reader:L(new String(headerBytes, $utf8:T.UTF_8), source).document();
                        if (!(root instanceof $map:T<?, ?> header)) {
                            throw corrupt(source, "its header is not a JSON object");
                        }
                        long dataLength = 0;
                        for ($map:T.Entry<?, ?> entry : header.entrySet()) {
                            if (!"__metadata__".equals(entry.getKey())) {
                                dataLength = Math.max(dataLength, offsets(source, entry.getKey(), entry.getValue())[1]);
                            }
                        }
                        float[][] parameters = new float[PARAMETER_NAMES.length][];
                        long[] begins = new long[PARAMETER_NAMES.length];
                        for (int i = 0; i < PARAMETER_NAMES.length; i++) {
                            String name = PARAMETER_NAMES[i];
                            Object entry = header.get(name);
                            if (entry == null) {
                                throw corrupt(source, "it has no tensor " + name + " (are these the weights of another network?)");
                            }
                            long[] range = offsets(source, name, entry);
                            $map:T<?, ?> tensor = ($map:T<?, ?>) entry;
                            if (!"F32".equals(tensor.get("dtype"))) {
                                throw corrupt(source, "tensor " + name + " has dtype " + tensor.get("dtype") + ", not F32 (float32)");
                            }
                            long[] shape = longs(source, name, "shape", tensor.get("shape"));
                            int size = 1;
                            boolean same = shape.length == PARAMETER_SHAPES[i].length;
                            for (int d = 0; d < PARAMETER_SHAPES[i].length; d++) {
                                size *= PARAMETER_SHAPES[i][d];
                                same = same && shape[d] == PARAMETER_SHAPES[i][d];
                            }
                            if (!same) {
                                throw corrupt(source, "tensor " + name + " has shape " + $arrays:T.toString(shape) + " but $cls:L needs "
                                        + $arrays:T.toString(PARAMETER_SHAPES[i]));
                            }
                            if (range[1] - range[0] != 4L * size) {
                                throw corrupt(source, "tensor " + name + " spans " + (range[1] - range[0]) + " bytes of data, not the "
                                        + 4L * size + " its shape needs");
                            }
                            begins[i] = range[0];
                            parameters[i] = new float[size];
                        }
                        // Read the data front to back, each weight from where its offsets say, skipping other tensors.
                        // (An insertion sort, not a lambda: a first lambda costs milliseconds of start-up.)
                        int[] order = new int[begins.length];
                        for (int i = 0; i < order.length; i++) {
                            int j = i;
                            for (; j > 0 && begins[order[j - 1]] > begins[i]; j--) {
                                order[j] = order[j - 1];
                            }
                            order[j] = i;
                        }
                        byte[] chunk = new byte[1 << 16];
                        $floats:T floats = $bytes:T.wrap(chunk).order($order:T.LITTLE_ENDIAN).asFloatBuffer();
                        long position = 0;
                        for (int i : order) {
                            if (begins[i] < position) {
                                throw corrupt(source, "tensor " + PARAMETER_NAMES[i] + " overlaps another tensor's data");
                            }
                            skip(in, begins[i] - position, chunk, source, dataLength);
                            float[] values = parameters[i];
                            for (int from = 0; from < values.length; ) {
                                int n = Math.min(chunk.length / 4, values.length - from);
                                if (in.readNBytes(chunk, 0, 4 * n) < 4 * n) {
                                    throw truncated(source, dataLength);
                                }
                                floats.get(0, values, from, n);
                                from += n;
                            }
                            position = begins[i] + 4L * values.length;
                        }
                        skip(in, dataLength - position, chunk, source, dataLength);
                        if (in.read() != -1) {
                            throw corrupt(source, "it goes on after the " + dataLength + " bytes of tensor data its header describes");
                        }
                        return parameters;
                        """, names).build())
                .build());
        type.addMethod(MethodSpec.methodBuilder("offsets").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(long[].class).addParameter(String.class, "source").addParameter(Object.class, "name")
                .addParameter(Object.class, "entry").addException(IO_EXCEPTION)
                .addJavadoc("A tensor's {@code data_offsets} [begin, end), relative to the end of the header.\n")
                .addCode(CodeBlock.builder().addNamed("""
                        if (!(entry instanceof $map:T<?, ?> tensor)) {
                            throw corrupt(source, "tensor " + name + " is not described by a JSON object");
                        }
                        long[] range = longs(source, name, "data_offsets", tensor.get("data_offsets"));
                        if (range.length != 2 || range[1] < range[0]) {
                            throw corrupt(source, "tensor " + name + " has invalid data_offsets " + $arrays:T.toString(range));
                        }
                        return range;
                        """, names).build())
                .build());
        type.addMethod(MethodSpec.methodBuilder("longs").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(long[].class).addParameter(String.class, "source").addParameter(Object.class, "name")
                .addParameter(String.class, "field").addParameter(Object.class, "value").addException(IO_EXCEPTION)
                .addCode(CodeBlock.builder().addNamed("""
                        if (!(value instanceof $list:T<?> list)) {
                            throw corrupt(source, "tensor " + name + " has no " + field + " array");
                        }
                        long[] out = new long[list.size()];
                        for (int i = 0; i < out.length; i++) {
                            if (!(list.get(i) instanceof Long v) || v < 0) {
                                throw corrupt(source, "tensor " + name + " has " + field + " value " + list.get(i)
                                        + ", not a whole number >= 0");
                            }
                            out[i] = v;
                        }
                        return out;
                        """, names).build())
                .build());
        type.addMethod(MethodSpec.methodBuilder("skip").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(INPUT_STREAM, "in").addParameter(long.class, "count").addParameter(byte[].class, "chunk")
                .addParameter(String.class, "source").addParameter(long.class, "dataLength").addException(IO_EXCEPTION)
                .addCode("""
                        for (long left = count; left > 0; ) {
                            int n = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, left));
                            if (n == 0) {
                                throw truncated(source, dataLength);
                            }
                            left -= n;
                        }
                        """)
                .build());
        type.addMethod(MethodSpec.methodBuilder("truncated").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(IO_EXCEPTION).addParameter(String.class, "source").addParameter(long.class, "dataLength")
                .addStatement("return corrupt(source, \"it is truncated: its header describes \" + dataLength"
                        + " + \" bytes of tensor data, but fewer follow\")")
                .build());
        type.addMethod(MethodSpec.methodBuilder("corrupt").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(IO_EXCEPTION).addParameter(String.class, "source").addParameter(String.class, "problem")
                .addStatement("return new $T(\"cannot load the weights of $L from \" + source + \": \" + problem)",
                        IO_EXCEPTION, className)
                .build());
    }

    /** Just enough JSON for a safetensors header; its errors name the source, as the reader's do. */
    private TypeSpec headerReader() {
        var reader = TypeSpec.classBuilder(READER).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Just enough JSON for a safetensors header: objects, arrays, strings and numbers (whole\n"
                        + "numbers as Long). {@code true}, {@code false} and {@code null} come back as their text.\n");
        reader.addField(String.class, "text", Modifier.PRIVATE, Modifier.FINAL);
        reader.addField(String.class, "source", Modifier.PRIVATE, Modifier.FINAL);
        reader.addField(int.class, "at", Modifier.PRIVATE);
        reader.addMethod(MethodSpec.constructorBuilder().addParameter(String.class, "text").addParameter(String.class, "source")
                .addStatement("this.text = text").addStatement("this.source = source").build());
        Map<String, Object> names = Map.of("ioe", IO_EXCEPTION, "map", ClassName.get(Map.class),
                "hashMap", ClassName.get(java.util.HashMap.class), "list", ClassName.get(List.class),
                "arrayList", ClassName.get(ArrayList.class));
        reader.addMethod(MethodSpec.methodBuilder("document").returns(Object.class).addException(IO_EXCEPTION)
                .addCode("""
                        Object value = value(0);
                        skipSpace();
                        if (at < text.length()) {
                            throw error("unexpected text after the header");
                        }
                        return value;
                        """)
                .build());
        reader.addMethod(MethodSpec.methodBuilder("value").addModifiers(Modifier.PRIVATE).returns(Object.class)
                .addParameter(int.class, "depth").addException(IO_EXCEPTION)
                .addCode(CodeBlock.builder().addNamed("""
                        skipSpace();
                        if (at >= text.length()) {
                            throw error("the header ends too early");
                        }
                        if (depth > 32) {
                            throw error("the header nests too deeply");
                        }
                        char c = text.charAt(at);
                        if (c == '{') {
                            at++;
                            $map:T<String, Object> object = new $hashMap:T<>();
                            skipSpace();
                            if (take('}')) {
                                return object;
                            }
                            do {
                                skipSpace();
                                String key = string();
                                skipSpace();
                                expect(':');
                                object.put(key, value(depth + 1));
                                skipSpace();
                            } while (take(','));
                            expect('}');
                            return object;
                        }
                        if (c == '[') {
                            at++;
                            $list:T<Object> array = new $arrayList:T<>();
                            skipSpace();
                            if (take(']')) {
                                return array;
                            }
                            do {
                                array.add(value(depth + 1));
                                skipSpace();
                            } while (take(','));
                            expect(']');
                            return array;
                        }
                        if (c == '"') {
                            return string();
                        }
                        int start = at;
                        while (at < text.length() && "+-.0123456789Eaeflnrstu".indexOf(text.charAt(at)) >= 0) {
                            at++;
                        }
                        String word = text.substring(start, at);
                        if (word.isEmpty()) {
                            throw error("unexpected character '" + c + "'");
                        }
                        if (word.equals("true") || word.equals("false") || word.equals("null")) {
                            return word;
                        }
                        try {
                            return Long.valueOf(word);
                        } catch (NumberFormatException notWhole) {
                            try {
                                return Double.valueOf(word);
                            } catch (NumberFormatException notNumber) {
                                at = start;
                                throw error("unexpected '" + word + "'");
                            }
                        }
                        """, names).build())
                .build());
        reader.addMethod(MethodSpec.methodBuilder("string").addModifiers(Modifier.PRIVATE).returns(String.class)
                .addException(IO_EXCEPTION)
                .addCode("""
                        expect('"');
                        StringBuilder out = new StringBuilder();
                        while (true) {
                            if (at >= text.length()) {
                                throw error("a string is not closed");
                            }
                            char c = text.charAt(at++);
                            if (c == '"') {
                                return out.toString();
                            }
                            if (c != '\\\\') {
                                out.append(c);
                                continue;
                            }
                            if (at >= text.length()) {
                                throw error("a string is not closed");
                            }
                            char escaped = text.charAt(at++);
                            switch (escaped) {
                                case 'b' -> out.append('\\b');
                                case 'f' -> out.append('\\f');
                                case 'n' -> out.append('\\n');
                                case 'r' -> out.append('\\r');
                                case 't' -> out.append('\\t');
                                case 'u' -> {
                                    if (at + 4 > text.length()) {
                                        throw error("a unicode escape is cut short");
                                    }
                                    try {
                                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                                    } catch (NumberFormatException e) {
                                        throw error("a unicode escape is malformed");
                                    }
                                    at += 4;
                                }
                                default -> out.append(escaped);
                            }
                        }
                        """)
                .build());
        reader.addMethod(MethodSpec.methodBuilder("skipSpace").addModifiers(Modifier.PRIVATE)
                .addCode("""
                        while (at < text.length() && " \\t\\r\\n".indexOf(text.charAt(at)) >= 0) {
                            at++;
                        }
                        """)
                .build());
        reader.addMethod(MethodSpec.methodBuilder("take").addModifiers(Modifier.PRIVATE).returns(boolean.class)
                .addParameter(char.class, "c")
                .addCode("""
                        if (at < text.length() && text.charAt(at) == c) {
                            at++;
                            return true;
                        }
                        return false;
                        """)
                .build());
        reader.addMethod(MethodSpec.methodBuilder("expect").addModifiers(Modifier.PRIVATE).addParameter(char.class, "c")
                .addException(IO_EXCEPTION)
                .addCode("""
                        if (!take(c)) {
                            throw error("expected '" + c + "'");
                        }
                        """)
                .build());
        reader.addMethod(MethodSpec.methodBuilder("error").addModifiers(Modifier.PRIVATE).returns(IO_EXCEPTION)
                .addParameter(String.class, "problem")
                .addStatement("return corrupt(source, \"its header is not valid JSON: \" + problem + \" at character \" + at)")
                .build());
        return reader.build();
    }
}
