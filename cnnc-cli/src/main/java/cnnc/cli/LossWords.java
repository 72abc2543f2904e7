package cnnc.cli;

import cnnc.model.Layer;
import cnnc.model.Network;

/** Says which figure a reported loss is, where it could be read two ways. */
final class LossWords {
    private LossWords() {}

    /** " (with the regularization penalty)" for a network with l1 or l2, else nothing. */
    static String of(Network network) {
        for (Layer layer : network.layers()) {
            if (layer.l1() != 0 || layer.l2() != 0) {
                return " (with the l1/l2 penalty, as Keras reports it)";
            }
        }
        return "";
    }
}
