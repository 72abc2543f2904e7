package cnnc.train;

import cnnc.ast.OptimizerKind;
import java.util.Map;

/** Builds the optimizer a .cnn file (or the command line) names, with Keras' defaults for what it leaves out. */
public final class Optimizers {
    private Optimizers() {}

    public static Optimizer create(OptimizerKind kind, Map<String, Double> options) {
        switch (kind) {
            case SGD:
                return new Sgd(options.getOrDefault("lr", 0.01), options.getOrDefault("momentum", 0.0));
            case ADAM:
                return new Adam(options.getOrDefault("lr", 0.001), options.getOrDefault("beta1", 0.9),
                        options.getOrDefault("beta2", 0.999), options.getOrDefault("epsilon", 1e-7));
            case RMSPROP:
            default:
                return new RmsProp(options.getOrDefault("lr", 0.001), options.getOrDefault("rho", 0.9),
                        options.getOrDefault("momentum", 0.0), options.getOrDefault("epsilon", 1e-7));
        }
    }
}
