package cnnc.report;

import cnnc.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * history.csv (DESIGN 1.5), in the shape of Keras' CSVLogger so pandas.read_csv and spreadsheets
 * read it: a header line, then one row per epoch; {@code lr}, the learning rate each epoch trained
 * with, comes last so that readers of the earlier six columns keep working. Numbers always use '.' (Locale.ROOT); a missing
 * value (NaN) is written as {@code nan}, which pandas and Python's float() both accept.
 */
public final class HistoryCsv {
    public static final String HEADER = "epoch,loss,accuracy,val_loss,val_accuracy,seconds,lr";

    private HistoryCsv() {}

    public static void write(Path path, History history) throws IOException {
        AtomicFiles.write(path, render(history).getBytes(StandardCharsets.UTF_8));
    }

    /** The file's text, lines ending in '\n'. */
    public static String render(History history) {
        var out = new StringBuilder(HEADER).append('\n');
        for (EpochRecord e : history.epochs()) {
            out.append(e.epoch())
                    .append(',').append(number(e.loss(), 6))
                    .append(',').append(number(e.accuracy(), 6))
                    .append(',').append(number(e.valLoss(), 6))
                    .append(',').append(number(e.valAccuracy(), 6))
                    .append(',').append(number(e.seconds(), 3))
                    .append(',').append(rate(e.lr()))
                    .append('\n');
        }
        return out.toString();
    }

    // The rate as the optimizer holds it (float), shortest form: 0.001, 1.0E-5 (Python's float() reads both).
    private static String rate(double lr) {
        return Double.isNaN(lr) ? "nan" : Float.toString((float) lr);
    }

    private static String number(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
