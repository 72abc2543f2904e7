package cnnc.model;

import cnnc.diag.SourceFile;
import java.util.List;

/**
 * A checked network: the output of the checker and the input of every later stage. Every
 * shape is known and every rule of the language holds.
 */
public record Network(SourceFile source, Shape input, List<Layer> layers, Loss loss, TrainingSettings training) {

    public Network {
        layers = List.copyOf(layers);
    }

    public Shape output() {
        return layers.isEmpty() ? input : layers.get(layers.size() - 1).out();
    }

    public long totalParams() {
        return layers.stream().mapToLong(Layer::params).sum();
    }

    public long trainableParams() {
        return layers.stream().mapToLong(Layer::trainableParams).sum();
    }

    public long totalMacs() {
        return layers.stream().mapToLong(Layer::macs).sum();
    }
}
