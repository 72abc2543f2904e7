package cnnc.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.ast.Activation;
import cnnc.ast.OptimizerKind;
import cnnc.ast.PoolKind;
import cnnc.ast.Program;
import cnnc.ast.Statement;
import cnnc.diag.Diagnostic;
import cnnc.diag.Diagnostics;
import cnnc.diag.SourceFile;
import cnnc.model.Layer;
import cnnc.model.Loss;
import cnnc.model.Network;
import cnnc.model.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The core language of DESIGN 1.1 is accepted, and means what it says. */
class LanguageTest {

    /** Compiles a file that must be clean: no errors and no warnings. */
    private static Network clean(String text) {
        Frontend.Result result = Frontend.compile(new SourceFile("t.cnn", text));
        assertEquals(List.of(), result.diagnostics().stream().map(Diagnostic::message).toList(), text);
        return result.network().orElseThrow();
    }

    private static List<String> shapes(Network n) {
        return n.layers().stream().map(l -> l.out().text()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "conv 10 4x4 stride 2 pad 1 relu l2 0.01",
        "conv 10 4x4 relu stride 2 pad 1 l2 0.01",
        "conv 10 4x4 l2 0.01 relu pad 1 stride 2",
        "conv 10 4x4 pad 1 l2 0.01 stride 2 relu",
    })
    void convOptionsInAnyOrder(String conv) {
        Network n = clean("input 28x28x1\n" + conv + "\nflatten\ndense 10 softmax\n");
        var c = assertInstanceOf(Layer.Conv.class, n.layers().get(0));
        assertEquals(new Shape.Volume(14, 14, 10), c.out());
        assertEquals(2, c.stride());
        assertEquals(List.of(1, 1, 1, 1), List.of(c.padTop(), c.padLeft(), c.padBottom(), c.padRight()));
        assertEquals(Activation.RELU, c.activation());
        assertEquals(0.01, c.l2());
    }

    @Test
    void denseOptionsInAnyOrder() {
        var a = (Layer.Dense) clean("input 784\ndense 10 l1 0.5 softmax l2 0.25\n").layers().get(0);
        var b = (Layer.Dense) clean("input 784\ndense 10 l2 0.25 l1 0.5 softmax\n").layers().get(0);
        assertEquals(a.out(), b.out());
        assertEquals(Activation.SOFTMAX, b.activation());
        assertEquals(0.5, b.l1());
        assertEquals(0.25, b.l2());
    }

    @Test
    void semicolonsSeparateStatementsLikeNewlines() {
        Network one = clean("input 28x28x1; conv 10 3x3 relu; pool 2x2; flatten; dense 10 softmax");
        Network many = clean("input 28x28x1\nconv 10 3x3 relu\npool 2x2\nflatten\ndense 10 softmax\n");
        assertEquals(shapes(many), shapes(one));
        assertEquals(List.of("26x26x10", "13x13x10", "1690", "10"), shapes(one));
    }

    @Test
    void blankLinesExtraSeparatorsAndWhitespaceAreFine() {
        Network n = clean(";;\n\n  input 784 ;; \n\t dense 10 softmax ;\n\n;");
        assertEquals(List.of("10"), shapes(n));
    }

    @Test
    void bothCommentStylesAnywhere() {
        Network n = clean("""
                # a comment line
                // another one
                input 28x28x1   # after a statement
                conv 10 3x3 relu // after a statement too
                #conv 99 99x99 (commented out)
                flatten;  dense 10 softmax  # the end
                // no newline at the end""");
        assertEquals(List.of("26x26x10", "6760", "10"), shapes(n));
    }

    @Test
    void lineEndingsCrLfAndCr() {
        assertEquals(List.of("26x26x10", "6760", "10"),
                shapes(clean("input 28x28x1\r\nconv 10 3x3\r\nflatten\r\ndense 10 softmax\r\n")));
        assertEquals(List.of("26x26x10", "6760", "10"),
                shapes(clean("input 28x28x1\rconv 10 3x3\rflatten\rdense 10 softmax\r")));
    }

    @ParameterizedTest
    @CsvSource({"1e-4, 0.0001", "1E-4, 0.0001", "0.001, 0.001", ".5, 0.5", "2., 2.0", "3e2, 300", "1.5e+1, 15", "0, 0"})
    void realsInDecimalAndExponentForm(String written, double value) {
        var d = (Layer.Dense) clean("input 784\ndense 10 softmax l2 " + written + "\n").layers().get(0);
        assertEquals(value, d.l2(), 1e-15);
    }

    @Test
    void trainingSettings() {
        Network n = clean("input 784\ndense 10 softmax\noptimizer rmsprop lr 1e-3 rho 0.9\nepochs 20\nbatch 256\nseed 42\n");
        assertEquals(OptimizerKind.RMSPROP, n.training().optimizer().orElseThrow());
        assertEquals(0.001, n.training().optimizerOptions().get("lr"));
        assertEquals(0.9, n.training().optimizerOptions().get("rho"));
        assertEquals(20, n.training().epochs().getAsInt());
        assertEquals(256, n.training().batch().getAsInt());
        assertEquals(42, n.training().seed().getAsLong());
        Network adam = clean("input 784\ndense 10 softmax\noptimizer adam beta2 0.999 lr 0.0005 beta1 0.8 epsilon 1e-7\n");
        assertEquals(0.8, adam.training().optimizerOptions().get("beta1"));
        assertEquals(1e-7, adam.training().optimizerOptions().get("epsilon"));
    }

    @ParameterizedTest(name = "{0} {1} stride {2} pad same -> {3}")
    @CsvSource({
        "28x28x1, 3x3, 1, 28x28x8, 1, 1, 1, 1",
        "28x28x1, 3x3, 2, 14x14x8, 0, 0, 1, 1",
        "27x27x1, 3x3, 2, 14x14x8, 1, 1, 1, 1",
        "28x28x1, 4x4, 1, 28x28x8, 1, 1, 2, 2",
        "28x28x1, 2x2, 1, 28x28x8, 0, 0, 1, 1",
        "28x28x1, 5x5, 2, 14x14x8, 1, 1, 2, 2",
        "32x30x3, 3x4, 1, 32x30x8, 1, 1, 1, 2",
        "7x7x1, 7x7, 3, 3x3x8, 3, 3, 3, 3",
    })
    void padSameKeepsCeilOfInputOverStride(String in, String kernel, int stride, String out, int top, int left,
            int bottom, int right) {
        Network n = clean("input " + in + "\nconv 8 " + kernel + " stride " + stride + " pad same\nflatten\ndense 10 softmax\n");
        var c = (Layer.Conv) n.layers().get(0);
        assertEquals(out, c.out().text());
        assertEquals(List.of(top, left, bottom, right), List.of(c.padTop(), c.padLeft(), c.padBottom(), c.padRight()),
                "Keras puts the odd pixel of padding at the bottom and right");
    }

    @Test
    void padValidAndPadNumber() {
        assertEquals("26x26x4", clean("input 28x28x1\nconv 4 3x3 pad valid\nflatten\ndense 2 softmax").layers().get(0).out().text());
        assertEquals("30x30x4", clean("input 28x28x1\nconv 4 3x3 pad 2\nflatten\ndense 2 softmax").layers().get(0).out().text());
    }

    @Test
    void poolKindsStridesAndDefaults() {
        Network n = clean("input 28x28x1\npool 2x2\npool avg 2x2\npool max 3x3 stride 1\npool avg 3x1 stride 2\n"
                + "flatten\ndense 10 softmax\n");
        var p = n.layers().stream().filter(Layer.Pool.class::isInstance).map(Layer.Pool.class::cast).toList();
        assertEquals(List.of(PoolKind.MAX, PoolKind.AVG, PoolKind.MAX, PoolKind.AVG), p.stream().map(Layer.Pool::kind).toList());
        assertEquals(List.of(2, 2, 1, 2), p.stream().map(Layer.Pool::stride).toList(), "stride defaults to the window");
        assertEquals(List.of("14x14x1", "7x7x1", "5x5x1", "2x3x1"), p.stream().map(l -> l.out().text()).toList());
        assertEquals("AvgPool 2x2", p.get(1).typeLabel());
    }

    @Test
    void vectorAndTwoDimensionalInputs() {
        Network vector = clean("input 784\ndense 64 relu\ndense 10 softmax\n");
        assertEquals(new Shape.Vector(784), vector.input());
        assertEquals(784 * 64 + 64 + 64 * 10 + 10, vector.totalParams());
        Network image = clean("input 28x28\nconv 4 3x3\nflatten\ndense 10 softmax\n");
        assertEquals(new Shape.Volume(28, 28, 1), image.input(), "HxW means one channel");
    }

    @Test
    void sizesMayUseACapitalX() {
        assertEquals("26x26x4", clean("input 28X28X1\nconv 4 3X3\nflatten\ndense 10 softmax\n").layers().get(0).out().text());
    }

    @Test
    void aSingleNumberKernelIsSquare() {
        var c = (Layer.Conv) clean("input 28x28x1\nconv 4 5\nflatten\ndense 10 softmax\n").layers().get(0);
        assertEquals(List.of(5, 5), List.of(c.kernelHeight(), c.kernelWidth()));
    }

    @Test
    void standaloneActivationsDropoutAndLinearDefault() {
        Network n = clean("input 784\ndense 64\nrelu\ndropout 0\ndense 32 tanh\ndropout 0.5\nsigmoid\ndense 10\nsoftmax\n");
        assertEquals(List.of("dense1", "relu1", "dropout1", "dense2", "dropout2", "sigmoid1", "dense3", "softmax1"),
                n.layers().stream().map(Layer::name).toList());
        assertEquals(Activation.LINEAR, ((Layer.Dense) n.layers().get(0)).activation());
        assertEquals(Loss.CATEGORICAL_CROSSENTROPY, n.loss());
    }

    /** A number after leakyrelu is its slope below zero, after elu its alpha; without one, PyTorch's defaults. */
    @Test
    void leakyreluAndEluTakeTheirSlopeOrAlpha() {
        Network n = clean("input 8x8x1\nconv 2 3x3 leakyrelu 0.2\nelu 0.5\nflatten\ndense 4 elu\nleakyrelu\ndense 3 elu 2\n");
        assertEquals(List.of(0.2, 0.5, 1.0, 0.01, 2.0), List.of(n.layers().get(0).activationAlpha(),
                n.layers().get(1).activationAlpha(), n.layers().get(3).activationAlpha(),
                n.layers().get(4).activationAlpha(), n.layers().get(5).activationAlpha()));
        assertEquals(Activation.ELU, n.layers().get(1).activation());
        assertEquals(0.0, clean("input 4\ndense 2 relu\n").layers().get(0).activationAlpha(), "no alpha for relu");
    }

    /**
     * batchnorm normalizes per channel of a volume or per unit of a vector, with Keras' defaults and
     * parameter count: 4 per channel, the running averages not trainable (nor the rest when frozen).
     */
    @Test
    void batchnormPerChannelOrUnitWithKerasCounts() {
        Network n = clean("input 8x8x1\nconv 4 3x3 nobias\nbatchnorm\nrelu\nflatten\ndense 5\n"
                + "batchnorm momentum 0.9 epsilon 1e-5 freeze\ndense 2 softmax\n");
        var perChannel = assertInstanceOf(Layer.BatchNorm.class, n.layers().get(1));
        var perUnit = assertInstanceOf(Layer.BatchNorm.class, n.layers().get(5));
        assertEquals(List.of(4, 36, 5, 1), List.of(perChannel.channels(), perChannel.plane(), perUnit.channels(), perUnit.plane()));
        assertEquals(List.of(0.99, 0.001, 0.9, 1e-5), List.of(perChannel.momentum(), perChannel.epsilon(), perUnit.momentum(),
                perUnit.epsilon()));
        assertEquals(List.of("bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"),
                perChannel.parameters().stream().map(cnnc.model.Parameter::tensorName).toList());
        assertEquals(List.of(16L, 8L, 20L, 0L), List.of(perChannel.params(), perChannel.trainableParams(), perUnit.params(),
                perUnit.trainableParams()));
        assertEquals(36 + 16 + 725 + 20 + 12, n.totalParams());
        assertEquals(36 + 8 + 725 + 12, n.trainableParams());
        assertEquals(new Shape.Volume(6, 6, 4), perChannel.out(), "the shape passes through");
    }

    @Test
    void theLastLayerDecidesTheLoss() {
        assertEquals(Loss.CATEGORICAL_CROSSENTROPY, clean("input 784\ndense 10 softmax").loss());
        assertEquals(Loss.BINARY_CROSSENTROPY, clean("input 784\ndense 1 sigmoid").loss());
        assertEquals(Loss.MEAN_SQUARED_ERROR, clean("input 784\ndense 1").loss());
    }

    @Test
    void freezeMarksParametersNonTrainable() {
        Network n = clean("input 28x28x1\nconv 4 3x3 freeze relu\nflatten\ndense 10 freeze softmax\n");
        assertEquals(0, n.trainableParams());
        assertEquals(40 + 26 * 26 * 4 * 10 + 10, n.totalParams());
    }

    @Test
    void theAstKeepsWhereEachStatementWas() {
        var diagnostics = new Diagnostics();
        Program p = SourceParser.parse(new SourceFile("t.cnn", "input 28x28x1\n  conv 10 3x3 relu; pool avg 2x2"), diagnostics);
        assertTrue(!diagnostics.hasErrors());
        var conv = assertInstanceOf(Statement.Conv.class, p.statements().get(1));
        assertEquals(2, conv.span().line());
        assertEquals(3, conv.span().column());
        assertEquals("conv 10 3x3 relu", p.source().textOf(conv.span()));
        assertEquals(11, conv.kernel().span().column());
        var pool = assertInstanceOf(Statement.Pool.class, p.statements().get(2));
        assertEquals(21, pool.span().column());
        assertEquals("pool avg 2x2", p.source().textOf(pool.span()));
    }

    @Test
    void aSyntaxErrorLeavesABrokenStatementInItsPlace() {
        var diagnostics = new Diagnostics();
        Program p = SourceParser.parse(new SourceFile("t.cnn", "input 784\ndense 10 relu junk 7\ndense 5 softmax\n"),
                diagnostics);
        assertEquals(1, diagnostics.errorCount());
        assertEquals(3, p.statements().size());
        var broken = assertInstanceOf(Statement.Broken.class, p.statements().get(1));
        assertEquals("dense 10 relu junk 7", p.source().textOf(broken.span()));
        assertInstanceOf(Statement.Dense.class, p.statements().get(2));
    }

    @Test
    void publishedNetworksCheckClean() {
        for (String file : List.of("lenet5", "alexnet", "vgg16", "mlp", "binary", "batchnorm-mnist")) {
            try {
                String text = java.nio.file.Files.readString(java.nio.file.Path.of("examples", file + ".cnn"));
                clean(text);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
