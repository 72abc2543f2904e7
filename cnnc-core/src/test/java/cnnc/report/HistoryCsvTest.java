package cnnc.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCsvTest {
    @TempDir
    Path dir;

    @Test
    void golden() throws IOException {
        History history = History.empty()
                .with(new EpochRecord(1, 0.3801234567, 0.8812, 0.39, 0.8836, 7.25, 0.001f))
                .with(new EpochRecord(2, 0.0000004, 1.0, Double.NaN, Double.NaN, 12.0004, 1e-5f))
                .with(new EpochRecord(3, Double.POSITIVE_INFINITY, 0.1, 2.5, 0.098, 0));
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // a decimal comma must not leak into the file
        try {
            Path file = dir.resolve("out/history.csv");
            HistoryCsv.write(file, history);
            assertEquals(""
                    + "epoch,loss,accuracy,val_loss,val_accuracy,seconds,lr\n"
                    + "1,0.380123,0.881200,0.390000,0.883600,7.250,0.001\n"
                    + "2,0.000000,1.000000,nan,nan,12.000,1.0E-5\n"
                    + "3,inf,0.100000,2.500000,0.098000,0.000,nan\n", Files.readString(file));
            assertEquals(List.of("history.csv"), List.of(file.getParent().toFile().list()));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void emptyHistoryIsJustTheHeader() {
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,seconds,lr\n", HistoryCsv.render(History.empty()));
    }

    @Test
    void epochsMustIncrease() {
        History one = History.empty().with(new EpochRecord(1, 1, 0, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> one.with(new EpochRecord(1, 1, 0, 1, 0, 1)));
        assertThrows(IllegalArgumentException.class, () -> new EpochRecord(0, 1, 0, 1, 0, 1));
        assertEquals(1, one.last().epoch());
        assertThrows(IllegalStateException.class, () -> History.empty().last());
    }
}
