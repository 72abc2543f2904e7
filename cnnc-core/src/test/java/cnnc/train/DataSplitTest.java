package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.data.Dataset;
import org.junit.jupiter.api.Test;

class DataSplitTest {
    private final Dataset all = TrainingFixtures.slice().train();
    private final Dataset test = TrainingFixtures.slice().test();

    @Test
    void holdsOutTheLastFractionOfTheTrainingImagesInTheirFileOrder() {
        DataSplit split = DataSplit.holdOut(all, test, 0.1);
        assertEquals(1800, split.train().count());
        assertEquals(200, split.validation().count());
        for (int i = 0; i < 1800; i++) {
            assertArrayEquals(all.image(i), split.train().image(i), "training image " + i);
            assertEquals(all.label(i), split.train().label(i));
        }
        for (int i = 0; i < 200; i++) {
            assertArrayEquals(all.image(1800 + i), split.validation().image(i), "validation image " + i + " is training image " + (1800 + i));
            assertEquals(all.label(1800 + i), split.validation().label(i));
        }
        assertSame(test, split.test(), "the test set is left for the final report");
        assertTrue(split.heldOut());
        assertEquals("validation: the last 200 training images", split.describeValidation());
    }

    @Test
    void theTrainingPartIsFloorOfNTimesOneMinusTheFractionAsInKeras() {
        Dataset seven = all.slice(0, 7);
        // Keras: split_at = floor(7 * (1 - 0.3)) = floor(4.9) = 4, so 3 validate
        DataSplit split = DataSplit.holdOut(seven, test, 0.3);
        assertEquals(4, split.train().count());
        assertEquals(3, split.validation().count());
        assertArrayEquals(all.image(4), split.validation().image(0));
    }

    @Test
    void withoutASplitTheTestSetValidates() {
        DataSplit split = DataSplit.validateOnTest(all, test);
        assertSame(test, split.validation());
        assertEquals("validation: 500 test images", split.describeValidation());
    }

    @Test
    void aSplitThatLeavesEitherSetEmptyIsRefused() {
        // 1 - 1e-17 is 1.0 in double arithmetic, so floor(3 * 1.0) keeps all three for training
        var none = assertThrows(IllegalArgumentException.class, () -> DataSplit.holdOut(all.slice(0, 3), test, 1e-17));
        assertEquals("a validation split of 1.0E-17 of 3 training images leaves none to validate on: choose a fraction "
                + "that keeps both sets", none.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> DataSplit.holdOut(all.slice(0, 1), test, 0.5));
        assertTrue(empty.getMessage().contains("none to train on"), empty.getMessage());
    }
}
