package cnnc.train;

import cnnc.data.Dataset;
import java.util.Locale;

/**
 * The three sets of a run: what it trains on, what chooses between epochs (val_loss, early
 * stopping, reduce-on-plateau), and what the final report measures. Without a validation split
 * the test set validates too, as in the course lab.
 */
public record DataSplit(Dataset train, Dataset validation, Dataset test, boolean heldOut) {

    public static DataSplit validateOnTest(Dataset train, Dataset test) {
        return new DataSplit(train, test, test, false);
    }

    /**
     * Holds out the last {@code fraction} of {@code all} before any shuffling, as Keras'
     * {@code fit(validation_split=...)}: the first floor(n * (1 - fraction)) images train, the rest validate.
     */
    public static DataSplit holdOut(Dataset all, Dataset test, double fraction) {
        int n = all.count();
        int splitAt = (int) Math.floor(n * (1.0 - fraction));
        if (splitAt <= 0 || splitAt >= n) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "a validation split of %s of %,d training images leaves %s: choose a fraction that keeps both sets",
                    fraction, n, splitAt <= 0 ? "none to train on" : "none to validate on"));
        }
        return new DataSplit(all.slice(0, splitAt), all.slice(splitAt, n), test, true);
    }

    /** For the header line: "validation: 10,000 test images" or "validation: the last 6,000 training images". */
    public String describeValidation() {
        return heldOut
                ? String.format(Locale.ROOT, "validation: the last %,d training images", validation.count())
                : String.format(Locale.ROOT, "validation: %,d test images", validation.count());
    }
}
