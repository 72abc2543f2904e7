package cnnc.plan;

import cnnc.model.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a generated class holds and does, decided before any code is written: the buffers
 * between layers, which step reads and writes which, and how the loss meets the last layer.
 * Built as a chain of one step per layer ({@link LayerChain}), then rewritten by named fusions,
 * each a class of its own: {@link FuseOutputStage}, {@link FuseConvPool} (inference) and
 * {@link FoldReluIntoMaxPool}. Training and inference plans share everything else, so both
 * classes run the same forward code.
 *
 * @param output the buffer holding the network's outputs
 * @param outputGrad the gradient at the output when no output stage takes the loss (training only)
 */
public record Plan(Network network, Mode mode, Buffer input, List<Step> steps, Optional<OutputStage> outputStage,
        Buffer output, Buffer outputGrad) {

    /** Above this many taps a kernel or window is not unrolled whole: one row is, inside a loop over the rows. */
    public static final int MAX_UNROLLED_TAPS = 64;

    public Plan {
        steps = List.copyOf(steps);
    }

    public static Plan of(Network network, Mode mode) {
        var input = new Buffer("input", network.input().size());
        var inputGrad = new Buffer("inputGrad", network.input().size());
        var tail = FuseOutputStage.apply(network, LayerChain.of(network, mode, input, inputGrad));
        List<Step> steps = new ArrayList<>(tail.steps());
        if (mode == Mode.INFERENCE && !network.layers().isEmpty()) {
            steps = FuseConvPool.apply(steps, network.layers().get(network.layers().size() - 1));
        }
        steps = FoldReluIntoMaxPool.apply(steps);
        Buffer output = tail.stage().map(OutputStage::probabilities)
                .orElse(steps.isEmpty() ? input : steps.get(steps.size() - 1).out());
        Buffer outputGrad = mode == Mode.INFERENCE || tail.stage().isPresent() ? null
                : steps.isEmpty() ? inputGrad : steps.get(steps.size() - 1).outGrad();
        return new Plan(network, mode, input, steps, tail.stage(), output, outputGrad);
    }

    /**
     * Where a training pass needs statistics of the whole batch (a batchnorm that is not frozen): the
     * indexes of those steps. The training class runs its passes in stages that end there, so that the
     * instances a trainer runs on slices of one batch can each finish a stage before any starts the next.
     * Empty for inference, and for networks without such a step.
     */
    public List<Integer> batchStatisticSteps() {
        if (mode != Mode.TRAINING) {
            return List.of();
        }
        return java.util.stream.IntStream.range(0, steps.size())
                .filter(i -> steps.get(i).layer().needsBatchStatistics()).boxed().toList();
    }

    /** Every buffer that needs a field, each once (flatten shares, so names repeat). */
    public List<Buffer> buffers() {
        var all = new LinkedHashMap<String, Buffer>();
        addOnce(all, input);
        addOnce(all, new Buffer("inputGrad", input.perExample()));
        for (Step s : steps) {
            addOnce(all, s.out());
            addOnce(all, s.outGrad());
        }
        outputStage.ifPresent(stage -> addOnce(all, stage.probabilities()));
        return List.copyOf(all.values());
    }

    /** The buffers a forward pass writes: the input, each step's output and the output stage's. */
    public List<Buffer> forwardBuffers() {
        var all = new LinkedHashMap<String, Buffer>();
        addOnce(all, input);
        for (Step s : steps) {
            addOnce(all, s.out());
        }
        outputStage.ifPresent(stage -> addOnce(all, stage.probabilities()));
        return List.copyOf(all.values());
    }

    /** Keyed by name, so that a network of many layers is not quadratic in them. */
    private static void addOnce(Map<String, Buffer> all, Buffer b) {
        if (b != null) {
            all.putIfAbsent(b.name(), b);
        }
    }
}
