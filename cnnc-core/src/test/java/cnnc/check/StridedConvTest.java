package cnnc.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.diag.Diagnostic;
import cnnc.diag.SourceFile;
import cnnc.model.Layer;
import cnnc.model.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strided convolutions as PyTorch and Keras size them: floor, and 'same' as ceil(W/S). */
class StridedConvTest {
    private static Frontend.Result check(String source) {
        return Frontend.compile(new SourceFile("strided.cnn", source));
    }

    private static Shape.Volume convOutput(Frontend.Result result) {
        Layer first = result.network().orElseThrow(() -> new AssertionError(result.diagnostics())).layers().get(0);
        return (Shape.Volume) first.out();
    }

    @Test
    void padSameGivesCeilOfWidthOverStrideForAnyKernelAndNeverFails() {
        for (int size = 5; size <= 30; size++) {
            for (int kernel = 1; kernel <= 5; kernel++) {
                for (int stride = 1; stride <= 4; stride++) {
                    var result = check("input " + size + "x" + (size + 1) + "x2\nconv 3 " + kernel + "x" + kernel + " stride "
                            + stride + " pad same\nflatten\ndense 2 softmax\n");
                    Shape.Volume out = convOutput(result);
                    String what = size + " kernel " + kernel + " stride " + stride;
                    assertEquals((size + stride - 1) / stride, out.height(), what);
                    assertEquals((size + stride) / stride, out.width(), what);
                    assertEquals(List.of(), result.diagnostics(), what);
                }
            }
        }
    }

    @Test
    void aOneByOneKernelWithStrideTwoAndPadSameHalvesResNetsFeatureMap() {
        var result = check("input 56x56x64\nconv 128 1x1 stride 2 pad same\nflatten\ndense 10 softmax\n");
        assertEquals(new Shape.Volume(28, 28, 128), convOutput(result));
        assertEquals(List.of(), result.diagnostics());
    }

    @Test
    void onlyPaddingLeftOutIsNoWarning() {
        var stem = check("input 224x224x3\nconv 64 7x7 stride 2 pad 3\nflatten\ndense 10 softmax\n");
        assertEquals(new Shape.Volume(112, 112, 64), convOutput(stem));
        assertEquals(List.of(), stem.diagnostics());
        var mnist = check("input 28x28x1\nconv 8 3x3 stride 2 pad 1\nflatten\ndense 10 softmax\n");
        assertEquals(new Shape.Volume(14, 14, 8), convOutput(mnist));
        assertEquals(List.of(), mnist.diagnostics());
    }

    @Test
    void pixelsLeftOutAreFlooredWithAWarningThatShowsTheArithmetic() {
        var result = check("input 28x29x1\nconv 4 3x3 stride 2\nflatten\ndense 10 softmax\n");
        assertEquals(new Shape.Volume(13, 14, 4), convOutput(result));
        assertEquals(1, result.diagnostics().size());
        Diagnostic warning = result.diagnostics().get(0);
        assertEquals("`conv 4 3x3 stride 2` leaves out the last row of the 28x29x1 input", warning.message());
        assertTrue(warning.notes().contains("floor((28 - 3 + 2*0)/2) + 1 = 13 rows, floor((29 - 3 + 2*0)/2) + 1 = 14 columns"),
                warning.notes().toString());
    }
}
