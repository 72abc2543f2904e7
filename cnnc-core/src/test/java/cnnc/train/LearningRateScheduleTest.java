package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.ast.OptimizerKind;
import cnnc.ast.ScheduleKind;
import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import cnnc.model.ScheduleSettings;
import cnnc.report.EpochRecord;
import cnnc.report.History;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Each schedule, run by the trainer, against its formula written out again here, epoch by epoch. */
class LearningRateScheduleTest {
    private static final double LR = 0.001;
    private static final int EPOCHS = 7;

    @Test
    void stepDecayFollowsPyTorchsStepLR() {
        History h = train(new ScheduleSettings(ScheduleKind.STEP, Map.of("every", 3.0, "factor", 0.5)));
        // StepLR(step_size=3, gamma=0.5): lr0 * gamma^floor(epoch_index / step_size), epoch_index from 0
        assertRates(h, e -> LR * Math.pow(0.5, Math.floor((e - 1) / 3.0)));
        assertEquals((float) 0.00025, (float) h.epochs().get(6).lr());
    }

    @Test
    void exponentialDecayFollowsPyTorchsExponentialLR() {
        History h = train(new ScheduleSettings(ScheduleKind.EXPONENTIAL, Map.of("rate", 0.8)));
        assertRates(h, e -> LR * Math.pow(0.8, e - 1));
    }

    @Test
    void cosineFollowsPyTorchsCosineAnnealingLR() {
        double min = 1e-5;
        History h = train(new ScheduleSettings(ScheduleKind.COSINE, Map.of("min", min)));
        // eta_min + (eta_max - eta_min) * (1 + cos(pi * T_cur / T_max)) / 2, T_cur from 0, T_max the epochs
        assertRates(h, e -> min + (LR - min) * (1 + Math.cos(Math.PI * (e - 1) / EPOCHS)) / 2);
        assertEquals((float) LR, (float) h.epochs().get(0).lr(), "the first epoch trains at the optimizer's rate");
    }

    @Test
    void reduceOnPlateauFollowsKerasReduceLROnPlateau() {
        // a rate high enough that val_loss bounces
        double high = 0.05;
        History h = train(new ScheduleSettings(ScheduleKind.PLATEAU, Map.of("factor", 0.5, "patience", 1.0, "min", 2e-4)), high);
        // Keras' rule replayed over the val_losses the run measured
        double lr = high;
        double best = Double.POSITIVE_INFINITY;
        int wait = 0;
        int reductions = 0;
        for (EpochRecord e : h.epochs()) {
            assertEquals((float) lr, (float) e.lr(), "epoch " + e.epoch());
            if (e.valLoss() < best - 1e-4) {
                best = e.valLoss();
                wait = 0;
            } else if (++wait >= 1 && lr > 2e-4) {
                lr = Math.max(lr * 0.5, 2e-4);
                wait = 0;
                reductions++;
            }
        }
        assertTrue(reductions > 0, "the run reached a plateau at least once: " + h);
    }

    @Test
    void reduceOnPlateauOnAScriptedValLoss() {
        var plateau = new ReduceOnPlateau(1.0, 0.5, 2, 0.2);
        List<Double> losses = List.of(1.0, 0.99995, 0.9, 0.95, 0.93, 0.92, 0.91, 0.95, 0.95, 0.95);
        // 0.99995 is within min_delta of 1.0: one wait; 0.9 improves; 0.95, 0.93 wait twice: halve
        // from epoch 6; 0.92, 0.91: halve from epoch 8; two more: 0.125 is held at the min 0.2
        double[] expected = {1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.2};
        for (int e = 1; e <= losses.size(); e++) {
            assertEquals(expected[e - 1], plateau.rate(e), "epoch " + e);
            plateau.observe(e, losses.get(e - 1));
        }
    }

    private static void assertRates(History h, IntToDoubleFunction formula) {
        assertEquals(EPOCHS, h.size());
        for (EpochRecord e : h.epochs()) {
            assertEquals((float) formula.applyAsDouble(e.epoch()), (float) e.lr(), "epoch " + e.epoch());
        }
    }

    private static History train(ScheduleSettings schedule) {
        return train(schedule, LR);
    }

    private static History train(ScheduleSettings schedule, double lr) {
        CompiledNetwork compiled = TrainingFixtures.compile("input 28x28x1\nflatten\ndense 16 relu\ndense 10 softmax\n");
        Dataset train = TrainingFixtures.slice().train().slice(0, 60);
        Dataset validation = TrainingFixtures.slice().test().slice(0, 60);
        var config = new TrainingConfig(EPOCHS, 20, 3, 1, OptimizerKind.RMSPROP, Map.of("lr", lr), 0)
                .withSchedule(java.util.Optional.of(schedule));
        return TrainingFixtures.quietTrainer(compiled, config)
                .train(TrainingFixtures.initialParams(compiled, 3), train, validation).history();
    }
}
