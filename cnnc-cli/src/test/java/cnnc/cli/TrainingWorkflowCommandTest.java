package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static cnnc.cli.TrainCommandTest.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import cnnc.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's validation split, early stopping, optimizer and schedule flags, through the command line. */
class TrainingWorkflowCommandTest {
    private static final String MLP = "input 28x28x1\nflatten\ndense 32 relu\ndense 10 softmax\n";

    @TempDir
    Path dir;

    private Run train(String source, String... flags) throws Exception {
        Path cnn = dir.resolve("net.cnn");
        Files.writeString(cnn, source);
        var args = new java.util.ArrayList<>(List.of("train", cnn.toString(), "--data", slice().toString(),
                "--out", dir.resolve("out").toString(), "--threads", "2"));
        args.addAll(List.of(flags));
        return run(args.toArray(String[]::new));
    }

    @Test
    void aValidationSplitValidatesOnTrainingImagesAndLeavesTheTestSetToTheReport() throws Exception {
        Run r = train(MLP, "--validation-split", "0.25", "--limit", "400", "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("on 300 images (validation: the last 100 training images)"), r.err());
        Matcher reported = Pattern.compile("Test loss: ([0-9.]+) - test accuracy: ([0-9.]+)").matcher(r.out());
        assertTrue(reported.find(), r.out());
        // eval measures the 500 test images; the final report measured the same set, the validation did not
        Run eval = run("eval", "--model", dir.resolve("out").toString(), dir.resolve("net.cnn").toString(),
                "--data", slice().toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("Test loss: " + reported.group(1) + " - test accuracy: " + reported.group(2)), eval.out());
        String lastValLoss = Files.readAllLines(dir.resolve("out/history.csv")).get(2).split(",")[3];
        assertFalse(lastValLoss.startsWith(reported.group(1)), "val_loss " + lastValLoss + " is on other images than the test loss");
    }

    @Test
    void withoutASplitTheHeaderSaysTheTestSetValidates() throws Exception {
        Run r = train(MLP + "validation split 0.5\n", "--limit", "100", "--epochs", "1");
        assertTrue(r.err().contains("on 50 images (validation: the last 50 training images)"), "the statement: " + r.err());
        Run plain = train(MLP, "--limit", "100", "--epochs", "1");
        assertTrue(plain.err().contains("on 100 images (validation: 500 test images)"), plain.err());
    }

    @Test
    void patienceKeepsTheBestEpochInTheModelAndEveryEpochInTheHistory() throws Exception {
        Run r = train(MLP, "--patience", "1", "--epochs", "12", "--limit", "100", "--batch", "10", "--lr", "0.01",
                "--seed", "5");
        assertEquals(0, r.code(), r.err());
        Matcher restored = Pattern.compile("Restored epoch (\\d+) \\(val_loss ([0-9.]+)\\)").matcher(r.err());
        assertTrue(restored.find(), r.out());
        int best = Integer.parseInt(restored.group(1));
        List<String> history = Files.readAllLines(dir.resolve("out/history.csv"));
        assertEquals(best + 1 + 1, history.size(), "header, the epochs up to the best, and the one without improvement");
        assertEquals(Double.parseDouble(restored.group(2)), Double.parseDouble(history.get(best).split(",")[3]), 5e-5,
                history.get(best));
        assertTrue(r.err().contains("Early stopping: val_loss has not improved for 1 epochs"), r.err());
        var model = SafeTensors.read(dir.resolve("out/model.safetensors"));
        assertEquals(Integer.toString(best), model.metadata().get(TrainingResults.EPOCH_KEY));
        assertTrue(r.out().contains("Test loss: " + restored.group(2)), "no split: the report is the kept epoch's val_loss\n" + r.out());
    }

    @Test
    void withoutPatienceTheModelIsTheLastEpoch() throws Exception {
        assertEquals(0, train(MLP, "--epochs", "2", "--limit", "100").code());
        assertEquals("2", SafeTensors.read(dir.resolve("out/model.safetensors")).metadata().get(TrainingResults.EPOCH_KEY));
    }

    @Test
    void optimizerFlagsOverrideTheFile() throws Exception {
        Run r = train(MLP + "optimizer sgd lr 0.05 momentum 0.9\n", "--optimizer", "adam", "--beta1", "0.8", "--epochs", "1",
                "--limit", "100");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("adam(lr=0.001, beta1=0.8, beta2=0.999, epsilon=1.0E-7)"),
                "another optimizer than the file's drops the file's options: " + r.err());
        Run same = train(MLP + "optimizer sgd lr 0.05 momentum 0.9\n", "--momentum", "0.5", "--epochs", "1", "--limit", "100");
        assertTrue(same.err().contains("sgd(lr=0.05, momentum=0.5)"), same.err());
        Run rms = train(MLP, "--optimizer", "rmsprop", "--rho", "0.8", "--epsilon", "1e-6", "--momentum", "0.1",
                "--epochs", "1", "--limit", "100");
        assertTrue(rms.err().contains("rmsprop(lr=0.001, rho=0.8, momentum=0.1, epsilon=1.0E-6)"), rms.err());
    }

    @Test
    void scheduleFlagsShowTheRateEachEpochAndWriteItToTheHistory() throws Exception {
        Run r = train(MLP, "--schedule", "step", "--lr-every", "1", "--lr-factor", "0.5", "--epochs", "3", "--limit", "100");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("schedule step(every=1, factor=0.5)"), r.err());
        assertTrue(r.err().contains("val_accuracy: ") && r.err().contains(" - lr: 2.5000e-04\n"), r.err());
        List<String> history = Files.readAllLines(dir.resolve("out/history.csv"));
        assertEquals(List.of("0.001", "5.0E-4", "2.5E-4"), history.subList(1, 4).stream().map(l -> l.substring(l.lastIndexOf(',') + 1)).toList());
        Run fromFile = train(MLP + "schedule exponential rate 0.5\n", "--lr-rate", "0.1", "--epochs", "2", "--limit", "100");
        assertTrue(fromFile.err().contains(" - lr: 1.0000e-04\n"), "the flag overrides the statement's rate: " + fromFile.err());
    }

    @Test
    void badWorkflowFlagsAreUsageErrorsWithoutAStackTrace() throws Exception {
        assertUsage(train(MLP, "--validation-split", "1"), "--validation-split must be above 0 and below 1");
        assertUsage(train(MLP, "--patience", "0"), "--patience must be at least 1, not 0");
        assertUsage(train(MLP, "--optimizer", "nadam"), "--optimizer must be rmsprop, adam or sgd, not `nadam`");
        assertUsage(train(MLP, "--optimizer", "adam", "--rho", "0.9"), "--rho does not apply to adam, which takes --lr, --beta1, --beta2, --epsilon");
        assertUsage(train(MLP, "--beta2", "1.5", "--optimizer", "adam"), "--beta2 must be at least 0 and below 1, not 1.5");
        assertUsage(train(MLP, "--lr-min", "0.1"), "--lr-min needs a schedule: give --schedule or a `schedule` statement");
        assertUsage(train(MLP, "--schedule", "cosine", "--lr-rate", "0.9"), "--lr-rate does not apply to the cosine schedule, which takes --lr-min");
        assertUsage(train(MLP, "--schedule", "step"), "--schedule step needs --lr-every N");
        assertUsage(train(MLP, "--schedule", "linear"), "--schedule must be step, exponential, cosine or plateau, not `linear`");
        assertUsage(train(MLP, "--schedule", "plateau", "--lr-factor", "2"), "--lr-factor must be above 0 and below 1, not 2");
        assertUsage(train(MLP, "--validation-split", "0.9999", "--limit", "10"), "leaves none to train on");
    }

    private void assertUsage(Run r, String message) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(dir.resolve("out/model.safetensors")), "nothing written");
    }
}
