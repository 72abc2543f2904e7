package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.ast.OptimizerKind;
import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import cnnc.report.EpochRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    // 100 images and a high rate: the network overfits within a few epochs, so val_loss turns up.
    private static final String MLP = "input 28x28x1\nflatten\ndense 64 relu\ndense 10 softmax\n";

    @Test
    void stopsAfterPatienceEpochsWithoutABetterValLossAndKeepsTheBestEpochsWeights() {
        CompiledNetwork compiled = TrainingFixtures.compile(MLP);
        Dataset train = TrainingFixtures.slice().train().slice(0, 100);
        Dataset validation = TrainingFixtures.slice().test().slice(0, 200);
        TrainingConfig config = config(30).withPatience(2);
        var result = TrainingFixtures.quietTrainer(compiled, config)
                .train(TrainingFixtures.initialParams(compiled, 5), train, validation);

        int best = result.keptEpoch();
        int ran = result.history().size();
        assertTrue(ran < 30, "stopped early, after " + ran + " epochs");
        assertEquals(best + 2, ran, "two epochs without improvement after the best, then stop");
        double bestLoss = result.history().epochs().get(best - 1).valLoss();
        for (EpochRecord e : result.history().epochs()) {
            assertTrue(e.valLoss() >= bestLoss, "epoch " + e.epoch() + " beat the kept epoch " + best);
        }
        assertEquals(bestLoss, result.test().loss(), 1e-6, "the final report measures the kept weights");

        // the same run stopped by its epoch count at the best epoch gives the same bits
        var direct = TrainingFixtures.quietTrainer(compiled, config(best))
                .train(TrainingFixtures.initialParams(compiled, 5), train, validation);
        for (int t = 0; t < direct.parameters().length; t++) {
            assertArrayEquals(direct.parameters()[t], result.parameters()[t], "tensor " + t + " is epoch " + best + "'s");
        }
    }

    @Test
    void improvementsAreStrictAndTheBestWeightsAreACopy() {
        var scripted = new EarlyStopping(3);
        float[][] params = {{1f}};
        assertFalse(scripted.observe(1, 0.9, params));
        params[0][0] = 2f;
        assertFalse(scripted.observe(2, 0.8, params));
        params[0][0] = 3f;
        assertFalse(scripted.observe(3, 0.8, params), "equal is no improvement (min_delta 0), but patience is 3");
        assertFalse(scripted.observe(4, 0.85, params));
        assertTrue(scripted.observe(5, 0.81, params), "three epochs without improvement");
        assertEquals(2, scripted.bestEpoch());
        assertEquals(2f, scripted.bestParams()[0][0], "a copy taken at the best epoch, not the live array");
    }

    private static TrainingConfig config(int epochs) {
        return new TrainingConfig(epochs, 10, 5, 2, OptimizerKind.RMSPROP, Map.of("lr", 0.01), 0);
    }
}
