package cnnc.cli;

import cnnc.Frontend;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import cnnc.model.Parameter;
import cnnc.train.GlorotUniform;
import cnnc.train.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Model files with random weights, saved as training saves them, for the commands that read models. */
final class RandomModels {
    private RandomModels() {}

    /** Glorot-uniform weights for the network of {@code text} (read as file {@code name}), saved in {@code dir}. */
    static Path save(Path dir, String name, String text) throws IOException {
        Network network = Frontend.compile(new SourceFile(name, text)).network().orElseThrow();
        List<Parameter> parameters = Parameter.of(network);
        float[][] params = new float[parameters.size()][];
        for (int i = 0; i < params.length; i++) {
            params[i] = new float[parameters.get(i).size()];
        }
        GlorotUniform.initialize(parameters, params, 3);
        Path file = dir.resolve(name.replace('/', '_') + ".safetensors");
        ModelFiles.save(file, network, params);
        return file;
    }

    /** Random weights for examples/lab.cnn. */
    static Path lab(Path dir) throws IOException {
        return save(dir, "examples/lab.cnn", Files.readString(Path.of("examples/lab.cnn")));
    }
}
