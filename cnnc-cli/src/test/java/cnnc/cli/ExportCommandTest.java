package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.CliRun;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc export}: the file it writes from a .cnn file or a training folder, and a one-line error for each mistake. */
class ExportCommandTest {
    private static final String LAB = "examples/lab.cnn";

    @TempDir
    Path dir;

    @Test
    void writesTheModelAndSaysWhatItsInputAndOutputAre() throws Exception {
        Path onnx = dir.resolve("lab.onnx");
        Path weights = RandomModels.lab(dir);
        CliRun r = CliRun.of("export", LAB, "--weights", weights.toString(), "-o", onnx.toString());
        assertEquals(0, r.exitCode(), r.transcript());
        assertEquals("Wrote " + onnx + " (" + String.format("%,d", Files.size(onnx)) + " bytes): " + LAB + " with the weights of "
                + weights + ", ONNX opset 17\nInput input: N x 28 x 28 x 1 (channels last); output output: N x 10\n", r.out());
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(onnx));
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("lab", model.getGraph().getName());
        assertEquals(Files.readString(Path.of(LAB)), model.getMetadataProps(0).getValue());
    }

    @Test
    void aTrainingFolderCarriesItsNetwork() throws Exception {
        Path out = Files.createDirectories(dir.resolve("run"));
        Files.move(RandomModels.lab(dir), out.resolve("model.safetensors"));
        Path fromFolder = dir.resolve("from-folder.onnx");
        CliRun r = CliRun.of("export", "--model", out.toString(), "-o", fromFolder.toString());
        assertEquals(0, r.exitCode(), r.transcript());
        assertTrue(r.out().startsWith("Wrote " + fromFolder + " ("), r.out());
        assertTrue(r.out().contains("the network of " + out.resolve("model.safetensors")), r.out());
        Path fromFile = dir.resolve("from-file.onnx");
        CliRun same = CliRun.of("export", LAB, "--weights", out.resolve("model.safetensors").toString(), "-o", fromFile.toString());
        assertEquals(0, same.exitCode(), same.transcript());
        // the same network and weights; only the name the source was read under differs
        var a = ModelProto.parseFrom(Files.readAllBytes(fromFolder)).getGraph();
        var b = ModelProto.parseFrom(Files.readAllBytes(fromFile)).getGraph();
        assertEquals(a.getNodeList(), b.getNodeList());
        assertEquals(a.getInitializerList(), b.getInitializerList());
    }

    @Test
    void aModelWithoutItsSourceNeedsTheFile() throws Exception {
        Path bare = dir.resolve("bare.safetensors");
        SafeTensorsFile lab = SafeTensors.read(RandomModels.lab(dir));
        SafeTensors.write(bare, new LinkedHashMap<>(lab.tensors()), Map.of());
        CliRun r = CliRun.of("export", "--model", bare.toString(), "-o", dir.resolve("x.onnx").toString());
        assertUserError(2, r, bare + " does not say which network it holds (no cnn_source metadata); give the .cnn file "
                + "it was trained from: cnnc export FILE --model " + bare);
        CliRun withFile = CliRun.of("export", LAB, "--model", bare.toString(), "-o", dir.resolve("x.onnx").toString());
        assertEquals(0, withFile.exitCode(), withFile.transcript());
    }

    @Test
    void missingWeightsAreAnError() {
        Path missing = dir.resolve("nothing.safetensors");
        CliRun r = CliRun.of("export", LAB, "--weights", missing.toString(), "-o", dir.resolve("x.onnx").toString());
        assertUserError(2, r, missing.toString());
        assertTrue(r.err().contains("no such file") || r.err().contains("does not exist"), r.err());
        CliRun noOption = CliRun.of("export", LAB, "-o", dir.resolve("x.onnx").toString());
        assertEquals(2, noOption.exitCode());
        assertTrue(noOption.err().contains("Missing required option: '--weights=MODEL'"), noOption.err());
        assertFalse(Files.exists(dir.resolve("x.onnx")));
    }

    @Test
    void weightsOfAnotherNetworkAreAnError() throws Exception {
        Path mlp = RandomModels.save(dir, "examples/mlp.cnn", Files.readString(Path.of("examples/mlp.cnn")));
        Path onnx = dir.resolve("x.onnx");
        CliRun r = CliRun.of("export", LAB, "--weights", mlp.toString(), "-o", onnx.toString());
        assertUserError(2, r, mlp + " has no tensor conv1.weight");
        assertFalse(Files.exists(onnx));
    }

    @Test
    void anOutputThatCannotBeWrittenIsAnError() throws Exception {
        Path weights = RandomModels.lab(dir);
        Path file = Files.writeString(dir.resolve("a-file"), "");
        CliRun underFile = CliRun.of("export", LAB, "--weights", weights.toString(), "-o", file.resolve("x.onnx").toString());
        assertUserError(2, underFile, file.resolve("x.onnx").toString());
        CliRun folder = CliRun.of("export", LAB, "--weights", weights.toString(), "-o", dir.toString());
        assertUserError(2, folder, "-o " + dir + " is a directory; give the model's file name, e.g. " + dir.resolve("network.onnx"));
        CliRun device = CliRun.of("export", LAB, "--weights", weights.toString(), "-o", "/dev/null");
        assertUserError(2, device, "/dev/null");
        byte[] before = Files.readAllBytes(weights);
        CliRun input = CliRun.of("export", LAB, "--weights", weights.toString(), "-o", weights.toString());
        assertUserError(2, input, "-o " + weights + " is the input " + weights);
        assertArrayEquals(before, Files.readAllBytes(weights));
    }

    @Test
    void aNetworkWithErrorsIsReportedAsCheckReportsIt() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.cnn"), "input 28x28x1\nconv 8 3x3\ndense 10 softmax\n");
        CliRun r = CliRun.of("export", bad.toString(), "--weights", RandomModels.lab(dir).toString(), "-o", dir.resolve("x.onnx").toString());
        assertEquals(1, r.exitCode(), r.transcript());
        assertTrue(r.err().contains(bad + ":3:1: error: `dense` needs a vector"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void helpAndShellCompletionKnowTheCommand() {
        CliRun help = CliRun.of("help", "export");
        assertEquals(0, help.exitCode(), help.transcript());
        assertTrue(help.out().startsWith("Usage: cnnc export "), help.out());
        assertTrue(help.out().contains("--model, --weights=MODEL"), help.out());
        CliRun completion = CliRun.of("generate-completion");
        assertTrue(completion.out().contains("function _picocli_cnnc_export()"), completion.out());
    }

    /**
     * Exit code {@code code} and a last line on stderr (after the network's warnings, if any) that says
     * {@code message}; nothing on stdout, no stack trace.
     */
    private static void assertUserError(int code, CliRun r, String message) {
        assertEquals(code, r.exitCode(), r.transcript());
        List<String> lines = r.err().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("cnnc: ") && last.contains(message), r.transcript());
        assertTrue(lines.stream().filter(line -> line.startsWith("cnnc: ")).count() == 1, r.transcript());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.transcript());
        assertEquals("", r.out());
    }
}
