package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The build reruns the vector backend's tests with vectors of at most 256 bits, narrower than an
 * AVX-512 CPU's; this checks that the JVM really was started that way, so that those runs test
 * what they claim to.
 */
class VectorWidthTest {

    @Test
    @EnabledIfSystemProperty(named = "cnnc.test.vectorBits", matches = "\\d+")
    void runsOnTheVectorWidthTheBuildAskedFor() throws ReflectiveOperationException {
        // by reflection: the tests compile without the incubator module
        Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
        Object bits = Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize").invoke(species);
        int asked = Integer.parseInt(System.getProperty("cnnc.test.vectorBits"));
        // at most that: a CPU whose vectors are narrower still runs its own width
        assertTrue((int) bits <= asked, "vectors of " + bits + " bits, the build asked for " + asked);
    }
}
