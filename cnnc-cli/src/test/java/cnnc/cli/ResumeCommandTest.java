package cnnc.cli;

import static cnnc.cli.TrainCommandTest.run;
import static cnnc.cli.TrainCommandTest.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.TrainCommandTest.Run;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** train --resume: a run stopped after epoch k and resumed ends with the bits of one never stopped. */
class ResumeCommandTest {
    // a conv layer (the vector backend's kernels) and dropout (the seeded masks)
    private static final String NET = "input 28x28x1\nconv 4 3x3 relu\npool 2x2\nflatten\ndense 16 relu\ndropout 0.3\n"
            + "dense 10 softmax\nbatch 32\n";

    @TempDir
    Path dir;

    private Run train(Path out, String... flags) throws Exception {
        Path cnn = dir.resolve("net.cnn");
        if (!Files.exists(cnn)) {
            Files.writeString(cnn, NET);
        }
        var args = new ArrayList<>(List.of("train", cnn.toString(), "--data", slice().toString(), "--out", out.toString(),
                "--threads", "2", "--limit", "300", "--seed", "4"));
        args.addAll(List.of(flags));
        return run(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "vector"})
    void aResumedRunEqualsOneNeverStopped(String backend) throws Exception {
        Path whole = dir.resolve("whole");
        Path stopped = dir.resolve("stopped");
        String[] flags = {"--backend", backend, "--optimizer", "adam", "--schedule", "plateau", "--lr-patience", "1",
                "--lr-factor", "0.5", "--patience", "5"};
        assertEquals(0, train(whole, concat(flags, "--epochs", "4")).code());
        Run first = train(stopped, concat(flags, "--epochs", "2"));
        assertEquals(0, first.code(), first.err());
        Run resumed = run(concat(new String[] {"train", dir.resolve("net.cnn").toString(), "--data", slice().toString(),
                "--threads", "2", "--limit", "300", "--seed", "4", "--resume", stopped.toString(), "--epochs", "4"}, flags));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("Resuming from " + stopped.resolve("checkpoint.safetensors") + " after epoch 2"), resumed.out());
        assertTrue(resumed.err().contains("Epoch 3/4") && !resumed.err().contains("Epoch 2/4"), resumed.err());

        SafeTensorsFile a = SafeTensors.read(whole.resolve("model.safetensors"));
        SafeTensorsFile b = SafeTensors.read(stopped.resolve("model.safetensors"));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String name : a.tensors().keySet()) {
            assertTrue(Arrays.equals(a.tensors().get(name).data(), b.tensors().get(name).data()), name + " differs");
        }
        assertEquals(withoutSeconds(whole.resolve("history.csv")), withoutSeconds(stopped.resolve("history.csv")),
                "the resumed run's history.csv holds every epoch, the earlier ones as the first run wrote them");
        assertEquals("4", SafeTensors.read(stopped.resolve("checkpoint.safetensors")).metadata().get("epoch"));
    }

    @Test
    void aResumeOfAnotherRunIsRefusedSayingWhatDiffers() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, train(out, "--epochs", "1").code());
        byte[] checkpoint = Files.readAllBytes(out.resolve("checkpoint.safetensors"));

        Run settings = train(out, "--epochs", "2", "--resume", out.toString(), "--lr", "0.01", "--batch", "16");
        assertEquals(2, settings.code(), settings.err());
        assertTrue(settings.err().contains("the settings differ from the run's (batch: 16 here, 32 in the checkpoint; "
                + "optimizer: rmsprop(lr=0.01, rho=0.9, momentum=0.0, epsilon=1.0E-7) here, "
                + "rmsprop(lr=0.001, rho=0.9, momentum=0.0, epsilon=1.0E-7) in the checkpoint)"), settings.err());

        Files.writeString(dir.resolve("net.cnn"), NET.replace("dense 16", "dense 17"));
        Run network = train(out, "--epochs", "2", "--resume", out.toString());
        assertEquals(2, network.code(), network.err());
        assertTrue(network.err().contains("cannot resume"), network.err());
        Files.writeString(dir.resolve("net.cnn"), NET + "# a comment\n");
        Run text = train(out, "--epochs", "2", "--resume", out.toString());
        assertTrue(text.err().contains("net.cnn is not the network it was trained with"), text.err());

        Files.writeString(dir.resolve("net.cnn"), NET);
        Run over = train(out, "--epochs", "1", "--resume", out.toString());
        assertEquals(2, over.code());
        assertTrue(over.err().contains("it has trained 1 epoch already: give --epochs above 1 to train on"), over.err());
        assertFalse((settings.err() + network.err() + text.err() + over.err()).contains("\tat "));
        assertTrue(Arrays.equals(checkpoint, Files.readAllBytes(out.resolve("checkpoint.safetensors"))),
                "a refused resume leaves the checkpoint as it was");

        Run none = train(dir.resolve("elsewhere"), "--epochs", "2", "--resume", dir.resolve("nothing").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("cannot resume: " + dir.resolve("nothing/checkpoint.safetensors") + ": no such file"), none.err());
    }

    @Test
    void withoutFileAResumeTrainsTheCheckpointsNetwork() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, train(out, "--epochs", "1").code());
        Run resumed = run("train", "--resume", out.toString(), "--epochs", "2", "--data", slice().toString(), "--threads", "2",
                "--limit", "300", "--seed", "4");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("Training " + out.resolve("checkpoint.safetensors") + "#cnn_source on 300 images"),
                resumed.err());
        assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size());

        Run neither = run("train", "--epochs", "2");
        assertEquals(2, neither.code());
        assertTrue(neither.err().contains("give the .cnn FILE to train (or --resume DIR"), neither.err());
    }

    @Test
    void aDivergedRunPutsBackThePreviousCheckpoint() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, train(out, "--epochs", "1").code());
        byte[] checkpoint = Files.readAllBytes(out.resolve("checkpoint.safetensors"));
        Run diverged = train(out, "--epochs", "2", "--lr", "1e30", "--optimizer", "sgd");
        assertEquals(1, diverged.code(), diverged.out() + diverged.err());
        assertTrue(Arrays.equals(checkpoint, Files.readAllBytes(out.resolve("checkpoint.safetensors"))));
    }

    private static List<String> withoutSeconds(Path history) throws Exception {
        return Files.readAllLines(history).stream().map(l -> l.replaceFirst(",[^,]*,([^,]*)$", ",s,$1")).toList();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
