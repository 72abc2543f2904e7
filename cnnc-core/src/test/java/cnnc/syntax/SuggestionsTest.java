package cnnc.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** "Did you mean": close misspellings get the keyword, unrelated words get nothing. */
class SuggestionsTest {
    private static final List<String> WORDS = List.of("input", "conv", "pool", "flatten", "dense", "dropout", "relu",
            "sigmoid", "tanh", "softmax", "linear", "stride", "pad", "same", "valid", "epochs");

    @ParameterizedTest
    @CsvSource({
        "sofmax, softmax", "softamx, softmax", "convv, conv", "cnv, conv", "rleu, relu", "RELU, relu", "Dense, dense",
        "flaten, flatten", "stirde, stride", "convolution, conv", "epoch, epochs", "dropot, dropout", "inptu, input",
        "sigmod, sigmoid",
    })
    void closeMisspellings(String typed, String meant) {
        assertEquals(Optional.of(meant), Suggestions.closest(typed, WORDS));
    }

    @ParameterizedTest
    @CsvSource({"frobnicate", "x", "qq", "zzzz", "batchnorm"})
    void unrelatedWordsGetNoSuggestion(String typed) {
        assertEquals(Optional.empty(), Suggestions.closest(typed, WORDS));
    }

    @ParameterizedTest
    @CsvSource({"relu, relu, 0", "rleu, relu, 1", "relu, rel, 1", "conv, dense, 4", "'', abc, 3"})
    void distanceCountsASwapOfNeighboursAsOneEdit(String a, String b, int distance) {
        assertEquals(distance, Suggestions.distance(a, b));
    }

    @org.junit.jupiter.api.Test
    void veryLongWordsAreCheap() {
        assertEquals(Optional.empty(), Suggestions.closest("a".repeat(100_000), WORDS));
    }
}
