package cnnc.bench;

import cnnc.codegen.Backend;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.data.Dataset;
import cnnc.data.Mnist;
import cnnc.model.Layer;
import cnnc.model.Network;
import cnnc.train.GlorotUniform;
import cnnc.train.Targets;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where a training step goes, layer by layer: each layer's forward and backward method of the
 * generated training class, timed on its own on one thread, for both backends; the README's
 * table. A layer's backward method includes its weight gradient.
 *
 * <pre>bench/layers [FILE.cnn]   (default examples/lab.cnn)</pre>
 */
final class LayerTimes {
    private static final int BATCH = 128;
    private static final int WARM_UP_STEPS = 400;
    private static final int ROUNDS = 5;
    private static final int CALLS = 50;

    private LayerTimes() {}

    public static void main(String[] args) throws Exception {
        Network network = EmbeddedNetworks.network(Path.of(args.length > 0 ? args[0] : "examples/lab.cnn"));
        Dataset train = Mnist.load(null, System.err).train();
        float[] inputs = Arrays.copyOf(train.images(), BATCH * network.input().size());
        Targets targets = Targets.of(network, train.classes(), 0);
        float[] encoded = new float[BATCH * targets.outputs()];
        for (int n = 0; n < BATCH; n++) {
            targets.encode(train.labels()[n], encoded, n * targets.outputs());
        }
        var header = new StringBuilder(String.format(Locale.ROOT, "%-7s", "layer"));
        var rows = new ArrayList<String>();
        for (Backend backend : Backend.values()) {
            CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
            float[][] params = (float[][]) compiled.newParameters();
            GlorotUniform.initialize(compiled.parameters(), params, 1);
            NetworkInstance net = compiled.instantiate(BATCH, params);
            for (int step = 0; step < WARM_UP_STEPS; step++) {
                net.forward(inputs, 0, BATCH, true);
                net.backward(encoded, 0, BATCH);
            }
            List<Method> methods = layerMethods(net.target(), network);
            double[] best = new double[methods.size() + 1];
            Arrays.fill(best, Double.MAX_VALUE);
            for (int round = 0; round < ROUNDS; round++) {
                for (int m = 0; m < methods.size(); m++) {
                    Method method = methods.get(m);
                    long start = System.nanoTime();
                    for (int call = 0; call < CALLS; call++) {
                        method.invoke(net.target(), BATCH);
                    }
                    best[m] = Math.min(best[m], microsPerExample(start));
                }
                long start = System.nanoTime();
                for (int call = 0; call < CALLS; call++) {
                    net.forward(inputs, 0, BATCH, true);
                    net.backward(encoded, 0, BATCH);
                }
                best[methods.size()] = Math.min(best[methods.size()], microsPerExample(start));
            }
            var row = new StringBuilder(String.format(Locale.ROOT, "%-7s", backend.name().toLowerCase(Locale.ROOT)));
            for (int m = 0; m < best.length; m++) {
                String name = m < methods.size() ? methods.get(m).getName() : "step";
                if (rows.isEmpty()) {
                    header.append(String.format(Locale.ROOT, " %15s", name));
                }
                row.append(String.format(Locale.ROOT, " %15.2f", best[m]));
            }
            rows.add(row.toString());
        }
        System.out.println("us per example, one thread, batch " + BATCH + ", each method alone (best of " + ROUNDS
                + " rounds of " + CALLS + " calls after " + WARM_UP_STEPS + " warm-up steps); step: forward and backward");
        System.out.println(header);
        rows.forEach(System.out::println);
    }

    /** Each layer's Forward and Backward method, in the network's order, where the class has one. */
    private static List<Method> layerMethods(Object target, Network network) {
        var methods = new ArrayList<Method>();
        for (Layer layer : network.layers()) {
            for (String pass : new String[] {"Forward", "Backward"}) {
                try {
                    Method method = target.getClass().getDeclaredMethod(layer.name() + pass, int.class);
                    method.setAccessible(true);
                    methods.add(method);
                } catch (NoSuchMethodException e) {
                    // a layer with no code of its own, such as flatten, or one folded into another
                }
            }
        }
        return methods;
    }

    private static double microsPerExample(long start) {
        return (System.nanoTime() - start) / 1e3 / CALLS / BATCH;
    }
}
