package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.codegen.Backend;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.data.Dataset;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {
    /** Batch statistics, running averages and dropout's random stream: all the state a step touches. */
    private static final String NETWORK = "input 28x28x1\nconv 6 3x3 relu\nbatchnorm\npool 2x2\nflatten\n"
            + "dense 32 relu\ndropout 0.3\ndense 10 softmax\n";

    private static CompiledNetwork vectorNetwork() {
        CompiledNetwork compiled = NetworkCompiler.compile(TrainingFixtures.network(NETWORK), Precision.FLOAT, Backend.VECTOR);
        assertTrue(compiled.usesVectorApi());
        return compiled;
    }

    @Test
    void warmingUpLeavesTheRunsWeightsAlone() {
        CompiledNetwork compiled = vectorNetwork();
        Dataset train = TrainingFixtures.slice().train().slice(0, 64);
        float[][] params = TrainingFixtures.initialParams(compiled, 5);
        float[][] before = new float[params.length][];
        for (int k = 0; k < params.length; k++) {
            before[k] = params[k].clone();
        }
        TrainingConfig config = TrainingFixtures.config(1, 32, 5, 2);
        Targets targets = Targets.of(compiled.network(), train.classes(), 0);
        boolean[] trainable = new boolean[params.length];
        java.util.Arrays.fill(trainable, true);
        var updates = new Trainer.Updates(config.newOptimizer(), new Regularization(compiled.parameters()), trainable);
        int steps = JitWarmUp.run(compiled, params, config, targets, train, Trainer.encode(train, targets), updates);
        assertTrue(steps >= 1);
        for (int k = 0; k < params.length; k++) {
            assertArrayEquals(before[k], params[k], "tensor " + k);
        }
    }

    /** The first run in this JVM warms up longer than the second, and both end with the same weights. */
    @Test
    void aVectorRunGivesTheSameWeightsHoweverLongItWarmedUp() {
        CompiledNetwork compiled = vectorNetwork();
        Dataset train = TrainingFixtures.slice().train().slice(0, 300);
        Dataset heldOut = TrainingFixtures.slice().test().slice(0, 50);
        float[][] a = train(compiled, train, heldOut);
        float[][] b = train(compiled, train, heldOut);
        for (int k = 0; k < a.length; k++) {
            assertArrayEquals(a[k], b[k], "tensor " + k);
        }
    }

    private static float[][] train(CompiledNetwork compiled, Dataset train, Dataset heldOut) {
        float[][] params = TrainingFixtures.initialParams(compiled, 9);
        return TrainingFixtures.quietTrainer(compiled, TrainingFixtures.config(1, 50, 9, 2))
                .train(params, train, heldOut).parameters();
    }

    @Test
    void runsOnPastSettlingToTheMinimumStepsOrAsLongAgainAsSettlingTook() {
        long settledAt = 800_000_000;
        int min = JitWarmUp.MIN_STEPS;
        assertFalse(JitWarmUp.longEnough(80, settledAt, settledAt), "just settled");
        assertFalse(JitWarmUp.longEnough(min - 1, settledAt, 2 * settledAt - 1), "short of both");
        assertTrue(JitWarmUp.longEnough(min, settledAt, settledAt + 1), "enough steps");
        assertTrue(JitWarmUp.longEnough(90, settledAt, 2 * settledAt), "slow steps: as long again as settling");
    }

    @Test
    void settlesWhenTheMedianOfAWindowSinceTheFastestHalvedIsNearIt() {
        var settling = new JitWarmUp.Settling();
        int window = JitWarmUp.Settling.WINDOW;
        assertFalse(settling.add(300_000_000), "the first step, interpreted");
        for (long falling : new long[] {40_000_000, 10_000_000, 2_500_000, 625_000, 156_000}) {
            // steps getting faster as compiles land: each new fastest under half the last starts over
            assertFalse(settling.add(falling), "falling to " + falling);
        }
        // from here a window of steps near the fastest, a few of them slow: the median ignores those
        for (int i = 0; i < window - 1; i++) {
            assertFalse(settling.add(i % 10 == 5 ? 3_000_000 : 70_000 + i), "settled early, step " + i);
        }
        assertTrue(settling.add(75_000));
    }

    @Test
    void aWindowMostlySlowerThanTwiceTheFastestHasNotSettled() {
        var settling = new JitWarmUp.Settling();
        settling.add(100_000);
        for (int i = 0; i < 5 * JitWarmUp.Settling.WINDOW; i++) {
            assertFalse(settling.add(i % 3 == 0 ? 150_000 : 250_000), "step " + i);
        }
    }
}
