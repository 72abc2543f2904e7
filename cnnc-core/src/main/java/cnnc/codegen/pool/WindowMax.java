package cnnc.codegen.pool;

import cnnc.codegen.Code;
import cnnc.codegen.Precision;
import cnnc.model.Layer;

/**
 * A window's maximum over the bits of its values: the maximum of the values themselves when none
 * is negative, as after a ReLU, and one conditional move where Math.max on floats takes four.
 * Max pooling declares it statement by statement ({@link #declareBits}); a convolution that pools
 * its own planes writes it as one expression of {@code larger} calls ({@link #larger}).
 */
public final class WindowMax {
    private WindowMax() {}

    /**
     * Declares {@code m}, the integer maximum over the bits of the window whose corner is at
     * {@code i} in {@code array} (rows {@code rowStride} apart).
     */
    public static void declareBits(Code code, Layer.Pool pool, Precision p, String array, int rowStride) {
        code.line(bitsType(p) + " m = " + bits(p) + "(" + array + "[i])");
        for (int y = 0; y < pool.windowHeight(); y++) {
            for (int x = 0; x < pool.windowWidth(); x++) {
                if (y + x > 0) {
                    code.line("m = Math.max(m, " + bits(p) + "(" + array + "[" + at(y * rowStride + x) + "]))");
                }
            }
        }
    }

    /**
     * The same maximum as one expression of {@link cnnc.codegen.SharedMethods#LARGER} calls, for
     * the window whose corner is {@code offset} past {@code base}, compared in pairs (integer
     * maxima in any order give the same bits).
     */
    public static String larger(Layer.Pool pool, String array, int rowStride, String base, int offset) {
        var values = new java.util.ArrayList<String>();
        for (int y = 0; y < pool.windowHeight(); y++) {
            for (int x = 0; x < pool.windowWidth(); x++) {
                values.add(array + "[" + base + " + " + (offset + y * rowStride + x) + "]");
            }
        }
        while (values.size() > 1) {
            var pairs = new java.util.ArrayList<String>();
            for (int k = 0; k < values.size(); k += 2) {
                pairs.add(k + 1 < values.size()
                        ? cnnc.codegen.SharedMethods.LARGER + "(" + values.get(k) + ", " + values.get(k + 1) + ")" : values.get(k));
            }
            values = pairs;
        }
        return values.get(0);
    }

    /** The float whose bits {@code value} holds. */
    public static String fromBits(Precision p, String value) {
        return (p == Precision.FLOAT ? "Float.intBitsToFloat(" : "Double.longBitsToDouble(") + value + ")";
    }

    static String bits(Precision p) {
        return p == Precision.FLOAT ? "Float.floatToRawIntBits" : "Double.doubleToRawLongBits";
    }

    static String bitsType(Precision p) {
        return p == Precision.FLOAT ? "int" : "long";
    }

    /** Index {@code i + offset}, written without a {@code + 0}. */
    static String at(int offset) {
        return offset == 0 ? "i" : "i + " + offset;
    }
}
