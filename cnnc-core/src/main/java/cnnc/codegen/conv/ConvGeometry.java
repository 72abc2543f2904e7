package cnnc.codegen.conv;

import cnnc.model.Layer;
import com.palantir.javapoet.FieldSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * A convolution's sizes, each derived once. The input is {@code c x ih x iw}, {@code ph x pw}
 * with its padding; the output {@code k x oh x ow}; the kernel {@code kh x kw} at stride
 * {@code s}.
 *
 * <p>Stride-1 code runs over "wide" rows: output row oy, column x is computed for every x of the
 * padded input's width, so that output position j = oy * PW + x reads input position
 * j + ky * PW + kx, and the whole plane is one long contiguous loop that C2 vectorizes. The last
 * KW - 1 columns of each wide row are thrown away.
 *
 * @param fusedPool the max pool the layer runs on each output plane (inference), if any
 */
public record ConvGeometry(Layer.Conv conv, Optional<Layer.Pool> fusedPool, int ih, int iw, int c, int oh, int ow,
        int k, int kh, int kw, int s, int ph, int pw) {

    public static ConvGeometry of(Layer.Conv conv, Optional<Layer.Pool> fusedPool) {
        return new ConvGeometry(conv, fusedPool, conv.in().height(), conv.in().width(), conv.in().channels(),
                conv.out().height(), conv.out().width(), conv.filters(), conv.kernelHeight(), conv.kernelWidth(),
                conv.stride(), conv.in().height() + conv.padTop() + conv.padBottom(),
                conv.in().width() + conv.padLeft() + conv.padRight());
    }

    public boolean padded() {
        return conv.padded();
    }

    /** Kernel taps: {@code kh * kw}. */
    public int taps() {
        return kh * kw;
    }

    /** Values of one input plane with its padding: {@code ph * pw}. */
    public int plane() {
        return ph * pw;
    }

    /** Values per example of the (padded) input: {@code c * ph * pw}. */
    public int srcSize() {
        return c * plane();
    }

    /** Values per example in the output buffer: the fused pool's output, if any, else {@code k * oh * ow}. */
    public int outSize() {
        return fusedPool.map(pool -> pool.out().size()).orElse(k * oh * ow);
    }

    /** Offset of tap t within a (padded) input plane: {@code (t / kw) * pw + t % kw}. */
    public int tapOffset(int t) {
        return (t / kw) * pw + t % kw;
    }

    /** Positions of a wide output plane, {@code (oh - 1) * pw + ow}: it stops before the last row's waste. */
    public int wideLength() {
        return (oh - 1) * pw + ow;
    }

    /** Width of the output gradient padded by the kernel size less one on every side: {@code pw + kw - 1}. */
    public int gradPaddedWidth() {
        return pw + kw - 1;
    }

    /** Height of that padded output gradient: {@code ph + kh - 1}. */
    public int gradPaddedHeight() {
        return ph + kh - 1;
    }

    /** Values of one padded output-gradient plane. */
    public int gradPlane() {
        return gradPaddedHeight() * gradPaddedWidth();
    }

    /** Wide length of the input gradient plane computed over the padded gradient's rows: {@code (ph - 1) * gpw + pw}. */
    public int gradWideLength() {
        return (ph - 1) * gradPaddedWidth() + pw;
    }

    /** The wide length's name in generated code, {@code CONV1_WIDE}: a constant that {@link #namedSizes} declares. */
    public String wideName() {
        return conv.name().toUpperCase(Locale.ROOT) + "_WIDE";
    }

    /** The input gradient's wide length's name in generated code, {@code CONV1_GRAD_WIDE}. */
    public String gradWideName() {
        return conv.name().toUpperCase(Locale.ROOT) + "_GRAD_WIDE";
    }

    /** The derived sizes generated code names, each with its formula: the wide lengths. */
    public List<FieldSpec> namedSizes(boolean withGradient) {
        var sizes = new ArrayList<FieldSpec>();
        sizes.add(constant(wideName(), wideLength(), "Positions of a wide output plane of {@code " + conv.name()
                + "}: (oh - 1) * pw + ow = (" + oh + " - 1) * " + pw + " + " + ow
                + ",\nits output rows at the padded input's width, less the last row's waste columns."));
        if (withGradient) {
            sizes.add(constant(gradWideName(), gradWideLength(), "Positions of a wide input-gradient plane of {@code "
                    + conv.name() + "}: (ph - 1) * (pw + kw - 1) + pw\n= (" + ph + " - 1) * (" + pw + " + " + kw
                    + " - 1) + " + pw + ", over the output gradient bordered by the kernel size less one."));
        }
        return sizes;
    }

    private static FieldSpec constant(String name, int value, String doc) {
        return FieldSpec.builder(int.class, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", value).addJavadoc(doc + "\n").build();
    }
}
