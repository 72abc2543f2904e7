package cnnc.codegen;

import cnnc.Frontend;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.util.Optional;
import java.util.Random;

/**
 * Random small networks covering every layer kind and option: conv with stride 1, 2 and 3, pad 0,
 * 1 and same, rectangular kernels, strides that do not tile (floored, leaving out the last rows or
 * columns, as PyTorch); max and average pooling including windows that drop an edge; dropout;
 * each activation; every kind of last layer and so each loss. Not every draw is a valid network
 * (a kernel may not fit); those come back empty.
 */
final class RandomNetworks {
    private static final String[] ACTIVATIONS = {"relu", "sigmoid", "tanh", "linear", "leakyrelu", "elu", "leakyrelu 0.2",
        "elu 0.5"};

    private RandomNetworks() {}

    /**
     * A random parameter value: normal with deviation 0.5, but for a batchnorm's running variance, which
     * must be positive, uniform in [0.5, 1.5).
     */
    static double value(cnnc.model.Parameter parameter, Random random) {
        return parameter.role() == cnnc.model.Parameter.Role.RUNNING_VARIANCE ? 0.5 + random.nextDouble()
                : random.nextGaussian() * 0.5;
    }

    /** A network from .cnn source that the test knows to be valid. */
    static Network parse(String source) {
        return Frontend.compile(new SourceFile("test.cnn", source)).network().orElseThrow();
    }

    /** Now and then a batchnorm, with Keras' defaults, PyTorch's, or frozen (normalizing with its running averages). */
    private static String batchNorm(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> "batchnorm\n";
            case 1 -> "batchnorm momentum 0.9 epsilon 1e-5\n";
            case 2 -> "batchnorm freeze\n";
            default -> "";
        };
    }

    static Optional<Network> draw(Random r) {
        var src = new StringBuilder();
        boolean volume = r.nextInt(6) != 0;
        if (volume) {
            src.append("input ").append(4 + r.nextInt(5)).append('x').append(4 + r.nextInt(5)).append('x')
                    .append(1 + r.nextInt(3)).append('\n');
            int blocks = r.nextInt(3);
            for (int b = 0; b < blocks; b++) {
                if (r.nextInt(6) == 0) {
                    src.append(r.nextBoolean() ? "pad 1\n" : "pad 2x1\n");
                }
                if (r.nextBoolean()) {
                    src.append("conv ").append(1 + r.nextInt(3)).append(' ')
                            .append(1 + r.nextInt(3)).append('x').append(1 + r.nextInt(3));
                    switch (r.nextInt(4)) {
                        case 0 -> src.append(" pad 1");
                        case 1 -> src.append(" pad same");
                        default -> { }
                    }
                    switch (r.nextInt(6)) {
                        case 0, 1 -> src.append(" stride 2");
                        case 2 -> src.append(" stride 3");
                        default -> { }
                    }
                    src.append(' ').append(ACTIVATIONS[r.nextInt(ACTIVATIONS.length)]);
                    src.append(r.nextInt(5) == 0 ? " nobias\n" : "\n");
                    src.append(batchNorm(r));
                } else {
                    src.append("pool ").append(r.nextBoolean() ? "max " : "avg ");
                    int f = 1 + r.nextInt(3);
                    src.append(f).append('x').append(f);
                    if (r.nextBoolean()) {
                        src.append(" stride ").append(1 + r.nextInt(2));
                    }
                    src.append('\n');
                }
                if (r.nextInt(4) == 0) {
                    src.append(ACTIVATIONS[r.nextInt(ACTIVATIONS.length)]).append('\n');
                }
            }
            if (r.nextInt(5) == 0) {
                src.append("dropout 0.25\n");
            }
            // a volume ends in flatten, or now and then in global pooling
            switch (r.nextInt(6)) {
                case 0 -> src.append("pool max global\n");
                case 1 -> src.append("pool avg global\n");
                default -> src.append("flatten\n");
            }
        } else {
            src.append("input ").append(2 + r.nextInt(8)).append('\n');
        }
        if (r.nextBoolean()) {
            src.append("dense ").append(2 + r.nextInt(5)).append(' ').append(ACTIVATIONS[r.nextInt(ACTIVATIONS.length)])
                    .append(r.nextInt(5) == 0 ? " nobias\n" : "\n");
            src.append(batchNorm(r));
            if (r.nextInt(3) == 0) {
                src.append("dropout 0.5\n");
            }
        }
        int classes = 2 + r.nextInt(4);
        switch (r.nextInt(5)) {
            case 0 -> src.append("dense ").append(classes).append(" softmax\n");
            case 1 -> src.append("dense ").append(classes).append("\nsoftmax\n");
            case 2 -> src.append("dense 1 sigmoid\n");
            case 3 -> src.append("dense ").append(classes).append(" sigmoid\n");
            default -> src.append("dense ").append(classes).append(' ').append(ACTIVATIONS[r.nextInt(ACTIVATIONS.length)]).append('\n');
        }
        return Frontend.compile(new SourceFile("random.cnn", src.toString())).network();
    }
}
