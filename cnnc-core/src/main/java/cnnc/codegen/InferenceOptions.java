package cnnc.codegen;

import cnnc.data.Normalization;
import cnnc.model.Network;
import java.util.Optional;

/**
 * What an inference class takes from its trained model beyond the network and the weights.
 *
 * @param positiveClass the class a single sigmoid unit answers yes for (its POSITIVE_CLASS)
 * @param normalization the per-channel input normalization training used, applied to every input
 */
public record InferenceOptions(int positiveClass, Optional<Normalization> normalization) {

    /** What the {@code .cnn} file says: its {@code positive} digit (else 0), no normalization. */
    public static InferenceOptions of(Network network) {
        return new InferenceOptions(network.training().positiveClass().orElse(0), Optional.empty());
    }
}
