package cnnc.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MavenCoordinatesTest {

    @ParameterizedTest
    @CsvSource({
        "LabNetwork, lab-network",
        "Lenet5Network, lenet5-network",
        "HTTPDigitReader, http-digit-reader",
        "MNIST, mnist",
        "digits, digits",
        "My_Net$2, my-net-2",
        "Net2D, net2-d",
        "Ünïcode, n-code",
        "_, network",
    })
    void artifactIdIsTheClassNameInKebabCase(String className, String artifactId) {
        assertEquals(artifactId, MavenCoordinates.kebab(className));
    }

    @Test
    void groupIsThePackageAndTheVersionDefaultsToOneZeroZero() {
        var c = MavenCoordinates.derive("com.example.digits", "LabNetwork", null);
        assertEquals("com.example.digits:lab-network:1.0.0", c.toString());
        assertEquals("2.1-SNAPSHOT", MavenCoordinates.derive("a.b", "C", "2.1-SNAPSHOT").version());
    }

    @Test
    void namesMavenCannotHoldAreRejectedWithAReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> MavenCoordinates.derive("com.example", "Net", "1.0 beta"));
        assertEquals("\"1.0 beta\" is not a valid Maven version (e.g. 1.0.0 or 2.1-SNAPSHOT)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MavenCoordinates.derive("", "Net", null));
        assertTrue(e.getMessage().contains("unnamed package"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MavenCoordinates.derive("com.exämple", "Net", null));
        assertTrue(e.getMessage().contains("com.exämple"), e.getMessage());
    }
}
