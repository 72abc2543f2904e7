package cnnc.train;

import cnnc.model.Loss;
import cnnc.model.Network;

/**
 * What the network should output for a label. One output per class gets a one-hot vector; a
 * single sigmoid unit learns "is this the positive class" (digit 0 unless told otherwise).
 */
public record Targets(int outputs, boolean binary, int positiveClass) {

    /** Whether the network is one sigmoid unit that answers yes or no to a positive class. */
    public static boolean isBinary(Network network) {
        return network.output().size() == 1 && network.loss() == Loss.BINARY_CROSSENTROPY;
    }

    public static Targets of(Network network, int classes, int positiveClass) {
        int outputs = network.output().size();
        boolean binary = isBinary(network);
        if (!binary && outputs != classes) {
            throw new IllegalArgumentException("the network ends in " + outputs + " outputs, but the data has "
                    + classes + " classes: end it with `dense " + classes + " softmax`"
                    + (outputs == 1 ? "" : " (or `dense 1 sigmoid` for one class against the rest)"));
        }
        return new Targets(outputs, binary, positiveClass);
    }

    /** Writes the target of {@code label} at {@code offset}. */
    public void encode(int label, float[] into, int offset) {
        if (binary) {
            into[offset] = label == positiveClass ? 1f : 0f;
            return;
        }
        java.util.Arrays.fill(into, offset, offset + outputs, 0f);
        into[offset + label] = 1f;
    }

    /** Whether the output at {@code offset} picks the right answer for {@code label}. */
    public boolean correct(float[] output, int offset, int label) {
        return predict(output, offset) == truth(label);
    }

    /** The class a correct prediction names: the label, or for a binary network 1 for the positive class. */
    public int truth(int label) {
        return binary ? (label == positiveClass ? 1 : 0) : label;
    }

    /** The predicted class (for a binary network: 1 for the positive class, else 0). */
    public int predict(float[] output, int offset) {
        if (binary) {
            return output[offset] >= 0.5f ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < outputs; j++) {
            if (output[offset + j] > output[offset + best]) {
                best = j;
            }
        }
        return best;
    }
}
