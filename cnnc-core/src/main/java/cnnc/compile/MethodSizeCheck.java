package cnnc.compile;

import cnnc.diag.Diagnostic;
import cnnc.diag.Span;
import cnnc.model.Layer;
import cnnc.model.Network;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * HotSpot never JIT-compiles a method of more than 8,000 bytes of bytecode (-XX:HugeMethodLimit),
 * so such a method would run interpreted, a hundred times slower. That is reported as a compile
 * error on the layer whose method it is, not discovered as a slowdown.
 */
public final class MethodSizeCheck {
    public static final int HUGE_METHOD_LIMIT = 8000;

    private MethodSizeCheck() {}

    public static List<Diagnostic> check(Network network, byte[] classFile) {
        var problems = new ArrayList<Diagnostic>();
        for (ClassFileReader.MethodSize m : ClassFileReader.methodSizes(classFile)) {
            if (m.codeLength() <= HUGE_METHOD_LIMIT) {
                continue;
            }
            Layer layer = owner(network, m.name());
            if (layer == null) {
                // the constructor and the passes that call every layer grow with the layer count
                List<Layer> layers = network.layers();
                Span span = layers.isEmpty() ? new Span(0, 1, 1, 1) : layers.get(layers.size() - 1).span();
                problems.add(Diagnostic.error(span, String.format(java.util.Locale.ROOT,
                                "the network's %,d layers make the generated method %s %,d bytes of bytecode, over"
                                        + " HotSpot's limit of %,d", layers.size(), m.name(), m.codeLength(), HUGE_METHOD_LIMIT))
                        .withNote("HotSpot never JIT-compiles a method that large, so it would run interpreted")
                        .withHelp("use fewer layers"));
                continue;
            }
            problems.add(Diagnostic.error(layer.span(), String.format(java.util.Locale.ROOT,
                            "the generated method %s is %,d bytes of bytecode, over HotSpot's limit of %,d",
                            m.name(), m.codeLength(), HUGE_METHOD_LIMIT))
                    .withNote("HotSpot never JIT-compiles a method that large, so it would run interpreted")
                    .withHelp("use a smaller kernel or window; this is also worth a bug report to cnnc"));
        }
        return problems;
    }

    /** Generated methods are named after their layer: conv1Forward, conv1BackwardWeights, ... */
    private static Layer owner(Network network, String method) {
        return network.layers().stream()
                .filter(l -> method.startsWith(l.name()) && method.length() > l.name().length()
                        && Character.isUpperCase(method.charAt(l.name().length())))
                .max(Comparator.comparingInt(l -> l.name().length()))
                .orElse(null);
    }

    /**
     * Every class of a compilation checked together.
     *
     * @throws CodeSizeException naming each method past the limit
     */
    public static void requireAll(Network network, Collection<byte[]> classFiles) {
        var tooLarge = new ArrayList<Diagnostic>();
        for (byte[] classFile : classFiles) {
            tooLarge.addAll(check(network, classFile));
        }
        if (!tooLarge.isEmpty()) {
            throw new CodeSizeException(tooLarge);
        }
    }
}
