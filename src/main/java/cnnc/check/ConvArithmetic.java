package cnnc.check;

import cnnc.diag.Diagnostic;
import cnnc.diag.Span;
import cnnc.model.Shape;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The course's output-size formula (W - F + 2P)/S + 1 for both dimensions of a conv, and the
 * diagnostic when it does not give a whole, positive number: which dimension, the arithmetic,
 * and the paddings or strides that would work.
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
        boolean tallRagged = span(in.height(), kernelHeight, padH) % stride != 0;
        boolean wideRagged = span(in.width(), kernelWidth, padW) % stride != 0;
        if (!tallRagged && !wideRagged) {
            return Optional.empty();
        }
        String dimension = tallRagged && wideRagged ? "height and width" : tallRagged ? "height" : "width";
        int size = tallRagged ? in.height() : in.width();
        int kernel = tallRagged ? kernelHeight : kernelWidth;
        long padTotal = tallRagged ? padH : padW;
        String arithmetic = "(" + size + " - " + kernel + " + " + padText(padTotal) + ")/" + stride + " + 1 = "
                + fraction(span(size, kernel, padTotal), stride);
        Diagnostic d = Diagnostic.error(span, what + " does not tile the input's " + dimension + ": " + arithmetic)
                .withNote("the output size (W - F + 2P)/S + 1 must be a whole number");
        return Optional.of(d.withHelp(fixes(tallRagged, wideRagged)));
    }

    /**
     * Paddings just above the current one, and strides below it, that make both dimensions whole.
     * Both searches are bounded: a stride of 2,000,000,000 must not mean as many tries.
     */
    private String fixes(boolean tallRagged, boolean wideRagged) {
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
        options.add("`pad same`");
        return "use " + String.join(" or ", options);
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

    private static String padText(long padTotal) {
        return padTotal % 2 == 0 ? "2*" + padTotal / 2 : Long.toString(padTotal);
    }

    /**
     * n/d + 1 (n >= 0, not a multiple of d) as a decimal, e.g. 13.5 or 13.333: three significant
     * digits of the fraction, so 25/2000000000 + 1 reads 1.0000000125, never a whole-looking 1.
     */
    private static String fraction(long n, int d) {
        BigDecimal part = BigDecimal.valueOf(n % d).divide(BigDecimal.valueOf(d), new MathContext(3, RoundingMode.DOWN));
        return BigDecimal.valueOf(n / d + 1).add(part).stripTrailingZeros().toPlainString();
    }
}
