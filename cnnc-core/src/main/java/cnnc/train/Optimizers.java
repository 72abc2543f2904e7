package cnnc.train;

import cnnc.ast.OptimizerKind;
import java.util.Map;

/** Builds the optimizer a .cnn file (or the command line) names, with Keras' defaults for what it leaves out. */
public final class Optimizers {
    private Optimizers() {}

    /** Keras' default learning rates: 0.01 for SGD, 0.001 for the adaptive methods. */
    public static double defaultLearningRate(OptimizerKind kind) {
        return kind == OptimizerKind.SGD ? 0.01 : 0.001;
    }

    public static Optimizer create(OptimizerKind kind, Map<String, Double> options) {
        double lr = options.getOrDefault("lr", defaultLearningRate(kind));
        switch (kind) {
            case SGD:
                return new Sgd(lr, options.getOrDefault("momentum", 0.0));
            case ADAM:
                return new Adam(lr, options.getOrDefault("beta1", 0.9),
                        options.getOrDefault("beta2", 0.999), options.getOrDefault("epsilon", 1e-7));
            case RMSPROP:
            default:
                return new RmsProp(lr, options.getOrDefault("rho", 0.9),
                        options.getOrDefault("momentum", 0.0), options.getOrDefault("epsilon", 1e-7));
        }
    }
}
