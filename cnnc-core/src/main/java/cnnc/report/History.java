package cnnc.report;

import java.util.ArrayList;
import java.util.List;

/** The epochs of one training run, in order; immutable, so a writer can take it while training goes on. */
public record History(List<EpochRecord> epochs) {
    public History {
        epochs = List.copyOf(epochs);
        for (int i = 1; i < epochs.size(); i++) {
            if (epochs.get(i).epoch() <= epochs.get(i - 1).epoch()) {
                throw new IllegalArgumentException("epoch " + epochs.get(i).epoch() + " follows epoch "
                        + epochs.get(i - 1).epoch());
            }
        }
    }

    public static History empty() {
        return new History(List.of());
    }

    /** This history with one more epoch at the end. */
    public History with(EpochRecord next) {
        var list = new ArrayList<>(epochs);
        list.add(next);
        return new History(list);
    }

    public int size() {
        return epochs.size();
    }

    public boolean isEmpty() {
        return epochs.isEmpty();
    }

    public EpochRecord last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epochs yet");
        }
        return epochs.get(epochs.size() - 1);
    }
}
