package cnnc.compile;

import cnnc.diag.Diagnostic;
import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.List;

/**
 * javac reached a limit of the class file format (64 KB of code per method, 65,535 constants)
 * with a very deep network: the network's size, not a bug, so it becomes a diagnostic.
 */
public final class ClassTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClassTooLargeException(String javacMessage) {
        super(javacMessage);
    }

    /** The error on the network's last layer, which is past where the class could hold it. */
    public CodeSizeException asDiagnostics(Network network) {
        List<Layer> layers = network.layers();
        Layer last = layers.get(layers.size() - 1);
        return new CodeSizeException(List.of(Diagnostic.error(last.span(), String.format(java.util.Locale.ROOT,
                        "the network's %,d layers do not fit in one Java class: javac says \"%s\"", layers.size(), getMessage()))
                .withNote("a class file holds at most 64 KB of code per method and 65,535 constants; "
                        + "cnnc generates one class per network")
                .withHelp("use fewer layers (networks of about 500 layers compile)")));
    }
}
