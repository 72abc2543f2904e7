package cnnc.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compile.CompiledNetwork;
import cnnc.data.Dataset;
import cnnc.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on the 2,000-image MNIST slice shipped with the tests: no network needed. */
class TrainerTest {

    @Test
    void oneEpochOnTheSliceLearns() {
        // A small conv net that learns within one epoch of 2,000 images (the lab network needs a few).
        CompiledNetwork compiled = TrainingFixtures.compile(
                "input 28x28x1\nconv 8 3x3 relu\npool 2x2\nflatten\ndense 32 relu\ndense 10 softmax\n");
        Dataset train = TrainingFixtures.slice().train();
        Dataset heldOut = TrainingFixtures.slice().test();
        float[][] params = TrainingFixtures.initialParams(compiled, 7);
        double before = Evaluation.of(compiled, params, heldOut, 2).loss();
        var config = new TrainingConfig(1, 16, 7, 2, cnnc.ast.OptimizerKind.RMSPROP, java.util.Map.of("lr", 0.002), 0);
        var result = TrainingFixtures.quietTrainer(compiled, config)
                .train(params, train, heldOut);
        assertEquals(2000, train.count());
        assertTrue(before > 2.0, "an untrained 10-class network is near ln 10 = 2.30, was " + before);
        double after = result.history().last().valLoss();
        assertTrue(after < before - 0.5, "loss fell from " + before + " to " + after);
        assertTrue(result.test().accuracy() > 0.80, "held-out accuracy " + result.test().accuracy());
    }

    @Test
    void sameSeedAndThreadsGiveBitIdenticalWeights() {
        CompiledNetwork compiled = TrainingFixtures.compile(TrainingFixtures.LAB);
        Dataset train = TrainingFixtures.slice().train().slice(0, 600);
        Dataset heldOut = TrainingFixtures.slice().test().slice(0, 100);
        float[][] a = train(compiled, train, heldOut, 3, 2);
        float[][] b = train(compiled, train, heldOut, 3, 2);
        for (int t = 0; t < a.length; t++) {
            assertArrayEquals(a[t], b[t], "tensor " + t);
        }
        float[][] c = train(compiled, train, heldOut, 4, 2);
        assertFalse(Arrays.equals(a[0], c[0]), "another seed gives other weights");
    }

    @Test
    void dropoutNetworksAreReproducibleToo() {
        CompiledNetwork compiled = TrainingFixtures.compile(
                "input 28x28x1\nflatten\ndense 32 relu\ndropout 0.3\ndense 10 softmax\n");
        Dataset train = TrainingFixtures.slice().train().slice(0, 400);
        Dataset heldOut = TrainingFixtures.slice().test().slice(0, 100);
        float[][] a = train(compiled, train, heldOut, 5, 2);
        float[][] b = train(compiled, train, heldOut, 5, 2);
        for (int t = 0; t < a.length; t++) {
            assertArrayEquals(a[t], b[t], "tensor " + t);
        }
    }

    private static float[][] train(CompiledNetwork compiled, Dataset train, Dataset heldOut, long seed, int threads) {
        float[][] params = TrainingFixtures.initialParams(compiled, seed);
        return TrainingFixtures.quietTrainer(compiled, TrainingFixtures.config(1, 50, seed, threads))
                .train(params, train, heldOut).parameters();
    }

    @Test
    void aFrozenLayerKeepsItsWeightsWhileTheOthersTrain() {
        CompiledNetwork compiled = TrainingFixtures.compile(TrainingFixtures.LAB.replace("conv 10 3x3 relu", "conv 10 3x3 relu freeze"));
        assertEquals(9269 - 100, compiled.network().trainableParams());
        float[][] params = TrainingFixtures.initialParams(compiled, 3);
        float[][] before = new float[params.length][];
        for (int t = 0; t < params.length; t++) {
            before[t] = params[t].clone();
        }
        Dataset train = TrainingFixtures.slice().train().slice(0, 300);
        TrainingFixtures.quietTrainer(compiled, TrainingFixtures.config(1, 50, 3, 2)).train(params, train, train.slice(0, 50));
        assertArrayEquals(before[0], params[0], "conv1.weight is frozen");
        assertArrayEquals(before[1], params[1], "conv1.bias is frozen");
        for (int t = 2; t < params.length; t++) {
            assertFalse(Arrays.equals(before[t], params[t]), "tensor " + t + " trains");
        }
    }

    @Test
    void aSavedModelReloadsWithIdenticalPredictions(@TempDir Path dir) throws Exception {
        CompiledNetwork compiled = TrainingFixtures.compile(TrainingFixtures.LAB);
        Dataset train = TrainingFixtures.slice().train().slice(0, 500);
        Dataset heldOut = TrainingFixtures.slice().test();
        float[][] params = TrainingFixtures.initialParams(compiled, 11);
        TrainingFixtures.quietTrainer(compiled, TrainingFixtures.config(1, 50, 11, 2)).train(params, train, heldOut);
        Path file = dir.resolve("model.safetensors");
        ModelFiles.save(file, compiled.network(), params);
        var loaded = SafeTensors.read(file);
        assertEquals(TrainingFixtures.LAB, loaded.metadata().get(ModelFiles.SOURCE_KEY));
        assertArrayEquals(new int[] {10, 1, 3, 3}, loaded.tensor("conv1.weight").shape());
        float[][] reloaded = ModelFiles.load(loaded, file.toString(), compiled.network());
        Evaluation a = Evaluation.of(compiled, params, heldOut, 2);
        Evaluation b = Evaluation.of(compiled, reloaded, heldOut, 1);
        assertEquals(a.loss(), b.loss(), 1e-12);
        assertTrue(Arrays.deepEquals(a.confusion(), b.confusion()));
    }

    @Test
    void aModelOfAnotherNetworkIsRejectedByName(@TempDir Path dir) throws Exception {
        CompiledNetwork lab = TrainingFixtures.compile(TrainingFixtures.LAB);
        Path file = dir.resolve("model.safetensors");
        ModelFiles.save(file, lab.network(), TrainingFixtures.initialParams(lab, 1));
        var other = TrainingFixtures.network(TrainingFixtures.LAB.replace("conv 10", "conv 12"));
        var e = assertThrows(cnnc.io.ModelFileException.class,
                () -> ModelFiles.load(SafeTensors.read(file), "model.safetensors", other));
        assertTrue(e.getMessage().contains("conv1.weight has shape [10, 1, 3, 3] but test.cnn needs [12, 1, 3, 3]"), e.getMessage());
        assertTrue(Files.size(file) > 9269 * 4);
    }

    @Test
    void aNetworkWhoseInputDoesNotFitTheImagesIsRejected() {
        var lenet = TrainingFixtures.network("input 32x32x1\nflatten\ndense 10 softmax\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.checkFits(lenet, TrainingFixtures.slice().train()));
        assertTrue(e.getMessage().contains("write `input 28x28x1`"), e.getMessage());
    }
}
