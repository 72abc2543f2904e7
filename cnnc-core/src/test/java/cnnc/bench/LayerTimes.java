package cnnc.bench;

import cnnc.codegen.Backend;
import cnnc.codegen.GeneratedSource;
import cnnc.codegen.Precision;
import cnnc.compile.CompiledNetwork;
import cnnc.compile.InMemoryCompiler;
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
        List<Method> vectorMethods = List.of();
        double[] vectorBest = new double[0];
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
                        if (method.getParameterCount() == 1) {
                            method.invoke(net.target(), BATCH);
                        } else {
                            method.invoke(net.target(), BATCH, true);
                        }
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
            if (backend == Backend.VECTOR) {
                vectorMethods = methods;
                vectorBest = best;
            }
        }
        System.out.println("us per example, one thread, batch " + BATCH + ", each method alone (best of " + ROUNDS
                + " rounds of " + CALLS + " calls after " + WARM_UP_STEPS + " warm-up steps); step: forward and backward");
        System.out.println(header);
        rows.forEach(System.out::println);
        double peak = fmaPeak();
        System.out.printf(Locale.ROOT, "%% of one core's FMA peak (%.1f G multiply-adds/s, measured) in the vector backend's "
                + "conv and dense methods, from their multiply-adds per example:%n", peak);
        System.out.println(peakRow(network, vectorMethods, vectorBest, peak));
    }

    /**
     * One thread's multiply-adds per second, in G, when they do nothing else: twelve independent
     * chains of vector FMAs on registers, enough to keep every FMA unit busy. Compiled here with the
     * Vector API's module, which the test sources are not.
     */
    static double fmaPeak() throws Exception {
        String code = """
                package bench;
                import jdk.incubator.vector.*;
                public final class FmaPeak {
                    public static double run(int n) {
                        var s = FloatVector.SPECIES_PREFERRED;
                        FloatVector b = FloatVector.broadcast(s, 0.999f), c = FloatVector.broadcast(s, 1e-3f);
                        FloatVector a0 = FloatVector.zero(s), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
                        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
                        long start = System.nanoTime();
                        for (int i = 0; i < n; i++) {
                            a0 = a0.fma(b, c); a1 = a1.fma(b, c); a2 = a2.fma(b, c); a3 = a3.fma(b, c);
                            a4 = a4.fma(b, c); a5 = a5.fma(b, c); a6 = a6.fma(b, c); a7 = a7.fma(b, c);
                            a8 = a8.fma(b, c); a9 = a9.fma(b, c); a10 = a10.fma(b, c); a11 = a11.fma(b, c);
                        }
                        long nanos = System.nanoTime() - start;
                        float sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
                                .add(a10).add(a11).reduceLanes(VectorOperators.ADD);
                        return 12.0 * n * s.length() / nanos + (sum == 42 ? 1e-9 : 0);
                    }
                }
                """;
        var classes = InMemoryCompiler.compile(List.of(new GeneratedSource("bench", "FmaPeak", code)), true);
        Method run = InMemoryCompiler.loader(classes).loadClass("bench.FmaPeak").getMethod("run", int.class);
        double best = 0;
        for (int round = 0; round < 20; round++) {
            best = Math.max(best, (double) run.invoke(null, 2_000_000));
        }
        return best;
    }

    /**
     * Each conv and dense method's share of the peak: its layer's forward multiply-adds, and for
     * the backward pass the weight gradient's plus, past the first such layer, the input gradient's.
     */
    private static String peakRow(Network network, List<Method> methods, double[] micros, double peak) {
        var row = new StringBuilder(String.format(Locale.ROOT, "%-7s", "vector"));
        boolean first = true;
        for (Layer layer : network.layers()) {
            if (layer.macs() == 0) {
                continue;
            }
            for (int m = 0; m < methods.size(); m++) {
                String name = methods.get(m).getName();
                if (name.equals(layer.name() + "Forward") || name.equals(layer.name() + "Backward")) {
                    long macs = name.endsWith("Forward") ? layer.macs() : layer.macs() * (first ? 1 : 2);
                    row.append(String.format(Locale.ROOT, " %s %.0f%%", name, 100 * macs / (micros[m] * 1e3) / peak));
                }
            }
            first = false;
        }
        return row.toString();
    }

    /**
     * Each layer's Forward and Backward method, in the network's order, where the class has one:
     * {@code (int batch)}, or {@code (int batch, boolean training)} for a forward pass that has a
     * training form (dropout, the vector backend's dense layers), which is timed training.
     */
    private static List<Method> layerMethods(Object target, Network network) {
        var methods = new ArrayList<Method>();
        for (Layer layer : network.layers()) {
            for (String pass : new String[] {"Forward", "Backward"}) {
                for (Class<?>[] parameters : List.of(new Class<?>[] {int.class}, new Class<?>[] {int.class, boolean.class})) {
                    try {
                        Method method = target.getClass().getDeclaredMethod(layer.name() + pass, parameters);
                        method.setAccessible(true);
                        methods.add(method);
                        break;
                    } catch (NoSuchMethodException e) {
                        // a layer with no code of its own, such as flatten, or one folded into another
                    }
                }
            }
        }
        return methods;
    }

    private static double microsPerExample(long start) {
        return (System.nanoTime() - start) / 1e3 / CALLS / BATCH;
    }
}
