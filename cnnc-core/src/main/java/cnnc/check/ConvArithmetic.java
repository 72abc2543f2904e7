package cnnc.check;

import cnnc.diag.Diagnostic;
import cnnc.diag.Span;
import cnnc.model.Shape;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The output-size formula floor((W - F + 2P)/S) + 1 for both dimensions of a conv (PyTorch's and
 * Keras'), the error when the kernel does not fit, and the warning when the last rows or columns
 * are left out, with the arithmetic and the paddings or strides that would use them.
 *
 * @param pads top, left, bottom, right
 */
record ConvArithmetic(Shape.Volume in, int kernelHeight, int kernelWidth, int stride, int[] pads) {

    long outHeight() {
        return span(in.height(), kernelHeight, pads[0] + (long) pads[2]) / stride + 1;
    }

    long outWidth() {
        return span(in.width(), kernelWidth, pads[1] + (long) pads[3]) / stride + 1;
    }

    private static long span(int size, int kernel, long padTotal) {
        return size - (long) kernel + padTotal;
    }

    Optional<Diagnostic> problem(String what, Span span) {
        long padH = pads[0] + (long) pads[2];
        long padW = pads[1] + (long) pads[3];
        boolean tallFails = span(in.height(), kernelHeight, padH) < 0;
        boolean wideFails = span(in.width(), kernelWidth, padW) < 0;
        if (tallFails || wideFails) {
            String padded = padH + padW > 0 ? " (padded to " + (in.height() + padH) + "x" + (in.width() + padW) + ")" : "";
            int needH = (int) Math.max(0, (kernelHeight - in.height() + 1) / 2);
            int needW = (int) Math.max(0, (kernelWidth - in.width() + 1) / 2);
            return Optional.of(Diagnostic.error(span, "the " + kernelHeight + "x" + kernelWidth
                            + " kernel of " + what + " is larger than its " + in.text() + " input" + padded)
                    .withHelp("use a kernel of at most " + in.height() + "x" + in.width()
                            + ", or `pad " + Math.max(needH, needW) + "`"));
        }
        return Optional.empty();
    }

    /**
     * When the stride does not tile the padded input, the output is floored as PyTorch and Keras
     * do, and the last rows or columns of the input are never seen: a warning with the arithmetic.
     * Only padding left out (ResNet's `7x7 stride 2 pad 3` on 224) loses nothing and is no warning.
     */
    Optional<Diagnostic> leftOut(String what, Span span) {
        long rows = realLeftOut(in.height(), kernelHeight, pads[0] + (long) pads[2], pads[2]);
        long cols = realLeftOut(in.width(), kernelWidth, pads[1] + (long) pads[3], pads[3]);
        if (rows == 0 && cols == 0) {
            return Optional.empty();
        }
        String arithmetic = "floor((" + in.height() + " - " + kernelHeight + " + " + padText(pads[0] + (long) pads[2]) + ")/"
                + stride + ") + 1 = " + outHeight() + " rows, floor((" + in.width() + " - " + kernelWidth + " + "
                + padText(pads[1] + (long) pads[3]) + ")/" + stride + ") + 1 = " + outWidth() + " columns";
        Diagnostic warning = Diagnostic.warning(span, what + " leaves out the last " + dropped(rows, cols)
                + " of the " + in.text() + " input").withNote(arithmetic);
        String fixes = fixes();
        return Optional.of(fixes == null ? warning : warning.withHelp(fixes));
    }

    // The input rows past the last window, less the bottom padding among them.
    private long realLeftOut(int size, int kernel, long padTotal, int padEnd) {
        long used = (span(size, kernel, padTotal) / stride) * stride + kernel;
        return Math.max(0, size + padTotal - used - padEnd);
    }

    /**
     * Paddings just above the current one, and strides below it, that make both dimensions whole;
     * null when there is none. Both searches are bounded: a stride of 2,000,000,000 must not mean as many tries.
     */
    private String fixes() {
        var options = new ArrayList<String>();
        long p = pads[0];
        if (pads[0] == pads[1] && pads[0] == pads[2] && pads[0] == pads[3]) {
            // Padding by a kernel or more only adds outputs that see nothing but zeros.
            long maxPad = Math.min(p + stride, Math.max(kernelHeight, kernelWidth) - 1L);
            for (long q = p + 1; q <= maxPad; q++) {
                if (whole(in.height(), kernelHeight, 2 * q, stride) && whole(in.width(), kernelWidth, 2 * q, stride)) {
                    options.add("`pad " + q + "` (gives " + outSize(in.height(), kernelHeight, 2 * q, stride) + "x"
                            + outSize(in.width(), kernelWidth, 2 * q, stride) + ")");
                    break;
                }
            }
        }
        long padH = pads[0] + (long) pads[2];
        long padW = pads[1] + (long) pads[3];
        long s = largestDivisorBelow(gcd(span(in.height(), kernelHeight, padH), span(in.width(), kernelWidth, padW)), stride);
        if (s >= 1) {
            options.add("`stride " + s + "` (gives " + outSize(in.height(), kernelHeight, padH, (int) s) + "x"
                    + outSize(in.width(), kernelWidth, padW, (int) s) + ")");
        }
        if (kernelHeight >= stride && kernelWidth >= stride) {
            // Keras' 'same' pads so that windows of at least the stride cover every pixel.
            options.add("`pad same` (gives " + ceil(in.height()) + "x" + ceil(in.width()) + ")");
        }
        return options.isEmpty() ? null : "to use every pixel, use " + String.join(" or ", options);
    }

    /** A stride tiles both dimensions when it divides both spans, i.e. their greatest common divisor. */
    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The largest divisor of {@code n} (n >= 0) below {@code limit}; any stride divides 0. */
    private static long largestDivisorBelow(long n, long limit) {
        if (n == 0) {
            return limit - 1;
        }
        long best = 0;
        for (long i = 1; i * i <= n; i++) {
            if (n % i == 0) {
                if (i < limit) {
                    best = Math.max(best, i);
                }
                if (n / i < limit) {
                    best = Math.max(best, n / i);
                }
            }
        }
        return best;
    }

    private static boolean whole(int size, int kernel, long padTotal, int stride) {
        return span(size, kernel, padTotal) >= 0 && span(size, kernel, padTotal) % stride == 0;
    }

    private static long outSize(int size, int kernel, long padTotal, int stride) {
        return span(size, kernel, padTotal) / stride + 1;
    }

    private long ceil(int size) {
        return (size + (long) stride - 1) / stride;
    }

    private static String padText(long padTotal) {
        return padTotal % 2 == 0 ? "2*" + padTotal / 2 : Long.toString(padTotal);
    }

    /** Keras' 'same': out = ceil(in / stride); the odd pixel of padding goes bottom and right. */
    static int[] samePadding(int h, int w, int kh, int kw, int stride) {
        int th = samePadTotal(h, kh, stride);
        int tw = samePadTotal(w, kw, stride);
        return new int[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
    }

    private static int samePadTotal(int in, int k, int stride) {
        long out = (in + (long) stride - 1) / stride;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, (out - 1) * stride + k - in));
    }

    /** "row", "3 columns", "row and column": what a window or stride leaves out at the edge. */
    static String dropped(long rows, long cols) {
        String r = rows == 1 ? "row" : rows + " rows";
        String c = cols == 1 ? "column" : cols + " columns";
        if (rows > 0 && cols > 0) {
            return r + " and " + c;
        }
        return rows > 0 ? r : c;
    }
}
