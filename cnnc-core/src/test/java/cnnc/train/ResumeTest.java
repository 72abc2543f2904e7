package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.ast.OptimizerKind;
import cnnc.ast.ScheduleKind;
import cnnc.compile.CompiledNetwork;
import cnnc.model.ScheduleSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A run continued from the state after epoch k ends with the bits of a run never stopped. */
class ResumeTest {
    private static final String DROPOUT = "input 28x28x1\nflatten\ndense 32 relu\ndropout 0.3\ndense 10 softmax\n";

    @Test
    void resumingAfterEachEpochGivesTheUninterruptedRunsWeights() {
        CompiledNetwork compiled = TrainingFixtures.compile(DROPOUT);
        var data = DataSplit.holdOut(TrainingFixtures.slice().train().slice(0, 300), TrainingFixtures.slice().test(), 0.2);
        TrainingConfig config = new TrainingConfig(5, 32, 9, 2, OptimizerKind.ADAM, Map.of("lr", 0.003), 0)
                .withPatience(3)
                .withSchedule(Optional.of(new ScheduleSettings(ScheduleKind.PLATEAU, Map.of("factor", 0.5, "patience", 1.0))));
        var states = new HashMap<Integer, TrainingState>();
        var whole = TrainingFixtures.quietTrainer(compiled, config)
                .withCheckpoints(s -> states.put(s.epoch(), copy(s)))
                .train(TrainingFixtures.initialParams(compiled, 9), data);
        for (int k = 1; k < whole.history().size(); k++) {
            TrainingState state = states.get(k);
            var resumed = TrainingFixtures.quietTrainer(compiled, config).train(copy(state.params()), data, state);
            assertEquals(whole.history().size(), resumed.history().size(), "resumed after epoch " + k);
            assertEquals(whole.keptEpoch(), resumed.keptEpoch());
            for (int t = 0; t < whole.parameters().length; t++) {
                assertArrayEquals(whole.parameters()[t], resumed.parameters()[t], "tensor " + t + ", resumed after epoch " + k);
            }
            for (int e = 0; e < whole.history().size(); e++) {
                assertEquals(whole.history().epochs().get(e).valLoss(), resumed.history().epochs().get(e).valLoss());
                assertEquals(whole.history().epochs().get(e).lr(), resumed.history().epochs().get(e).lr());
            }
        }
    }

    @Test
    void aRunThatStoppedEarlyOrReachedItsEpochsIsNotResumable() {
        var history = cnnc.report.History.empty()
                .with(new cnnc.report.EpochRecord(1, 1, 0, 0.5, 0, 1, 0.001))
                .with(new cnnc.report.EpochRecord(2, 1, 0, 0.6, 0, 1, 0.001))
                .with(new cnnc.report.EpochRecord(3, 1, 0, 0.7, 0, 1, 0.001));
        var state = new TrainingState(3, new float[][] {{1f}}, new OptimizerState(Map.of(), 0), history, 1, new float[][] {{0f}});
        TrainingConfig five = new TrainingConfig(5, 32, 1, 1, OptimizerKind.RMSPROP, Map.of(), 0);
        assertEquals(null, state.whyNotResumable(five));
        assertEquals(null, state.whyNotResumable(five.withPatience(3)), "two epochs without improvement, patience 3");
        assertEquals("it stopped early after epoch 3 (val_loss had not improved for 2 epochs; the best was epoch 1)",
                state.whyNotResumable(five.withPatience(2)));
        assertEquals("it has trained 3 epochs already: give --epochs above 3 to train on",
                state.whyNotResumable(five.withEpochs(3)));
    }

    static TrainingState copy(TrainingState s) {
        var slots = new HashMap<String, float[][]>();
        s.optimizer().slots().forEach((name, slot) -> slots.put(name, copy(slot)));
        return new TrainingState(s.epoch(), copy(s.params()), new OptimizerState(slots, s.optimizer().steps()), s.history(),
                s.bestEpoch(), s.bestParams() == null ? null : copy(s.bestParams()));
    }

    static float[][] copy(float[][] a) {
        return EarlyStopping.copy(a);
    }
}
