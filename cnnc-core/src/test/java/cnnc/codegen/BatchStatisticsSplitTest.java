package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.model.Network;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A batch cut into slices, each run by its own instance through the staged passes, normalizes with the
 * statistics of the whole batch: every example's output and input gradient, and the running averages,
 * are the same bits as one instance's over the whole batch; the summed gradients differ only by float
 * addition in another order.
 */
class BatchStatisticsSplitTest {
    private static final String SOURCE = "input 6x6x2\nconv 3 3x3 nobias\nbatchnorm\nleakyrelu 0.2\npool 2x2\nflatten\n"
            + "dense 5 nobias\nbatchnorm momentum 0.9\nrelu\ndropout 0.25\ndense 3 softmax\n";
    private static final int BATCH = 12;

    /** What a training step left: outputs, input gradients, summed parameter gradients, the loss, the parameters. */
    record Step(float[] outputs, float[] inputGradient, float[][] gradients, double loss, float[][] params) {}

    @ParameterizedTest
    @EnumSource(Backend.class)
    void slicesGiveTheWholeBatchsStatistics(Backend backend) {
        Network network = RandomNetworks.parse(SOURCE);
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
        assertEquals(3, compiled.stages(), "a stage before each batchnorm, and one after");
        var random = new Random(5);
        var params = (float[][]) compiled.newParameters();
        for (int t = 0; t < params.length; t++) {
            for (int i = 0; i < params[t].length; i++) {
                params[t][i] = (float) RandomNetworks.value(compiled.parameters().get(t), random);
            }
        }
        float[] x = new float[BATCH * network.input().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        float[] targets = new float[BATCH * 3];
        for (int n = 0; n < BATCH; n++) {
            targets[n * 3 + random.nextInt(3)] = 1;
        }
        Step whole = step(compiled, params, x, targets, BATCH);
        for (int[] slices : new int[][] {{5, 4, 3}, {1, 11}, {6, 6}}) {
            Step split = step(compiled, params, x, targets, slices);
            assertArrayEquals(whole.outputs(), split.outputs(), "outputs");
            assertArrayEquals(whole.inputGradient(), split.inputGradient(), "input gradient");
            assertEquals(whole.loss(), split.loss(), 1e-6 * whole.loss(), "loss");
            for (int t = 0; t < params.length; t++) {
                String name = compiled.parameters().get(t).tensorName();
                assertArrayEquals(whole.params()[t], split.params()[t], name + " after the step (running averages)");
                for (int i = 0; i < params[t].length; i++) {
                    float a = whole.gradients()[t][i];
                    assertEquals(a, split.gradients()[t][i], 1e-5f * Math.max(1, Math.abs(a)), name + " gradient [" + i + "]");
                }
            }
        }
    }

    @Test
    void aSliceOutsideTheSharedBatchIsRefused() {
        CompiledNetwork compiled = NetworkCompiler.compile(RandomNetworks.parse(SOURCE), Precision.FLOAT);
        NetworkInstance net = compiled.instantiate(4, compiled.newParameters());
        net.shareBatch(compiled.newBatchSums(6), 4, 6);
        float[] x = new float[4 * 72];
        assertThrows(IllegalArgumentException.class, () -> net.forwardStage(0, x, 0, 4), "examples 4..7 of 6");
        assertThrows(IllegalArgumentException.class, () -> net.shareBatch(compiled.newBatchSums(2), 0, 6), "sums too small");
    }

    /**
     * One training step over the batch, cut into slices of the given sizes: one slice runs through
     * forward and backward, several through the staged passes in step, their gradients summed in order.
     */
    private static Step step(CompiledNetwork compiled, float[][] initial, float[] x, float[] targets, int... slices) {
        float[][] params = new float[initial.length][];
        for (int t = 0; t < params.length; t++) {
            params[t] = initial[t].clone();
        }
        int inputs = compiled.network().input().size();
        int outputs = compiled.network().output().size();
        var instances = new NetworkInstance[slices.length];
        int[] first = new int[slices.length];
        double[][] sums = compiled.newBatchSums(BATCH);
        for (int k = 0, from = 0; k < slices.length; from += slices[k], k++) {
            first[k] = from;
            instances[k] = compiled.instantiate(slices[k], params);
            instances[k].zeroGradients();
            instances[k].setInputGradientEnabled(true);
            instances[k].setRandomState(17, from);
            instances[k].shareBatch(sums, from, BATCH);
        }
        double loss = 0;
        if (slices.length == 1) {
            instances[0].forward(x, 0, BATCH, true);
            loss = instances[0].backward(targets, 0, BATCH);
        } else {
            for (int stage = 0; stage < compiled.stages(); stage++) {
                for (int k = 0; k < slices.length; k++) {
                    instances[k].forwardStage(stage, x, first[k] * inputs, slices[k]);
                }
            }
            for (int stage = compiled.stages() - 1; stage >= 0; stage--) {
                for (int k = 0; k < slices.length; k++) {
                    loss += instances[k].backwardStage(stage, targets, first[k] * outputs, slices[k]);
                }
            }
        }
        float[] out = new float[BATCH * outputs];
        float[] inputGradient = new float[BATCH * inputs];
        float[][] gradients = new float[params.length][];
        for (int k = 0; k < slices.length; k++) {
            System.arraycopy((float[]) instances[k].output(), 0, out, first[k] * outputs, slices[k] * outputs);
            System.arraycopy((float[]) instances[k].inputGradient(), 0, inputGradient, first[k] * inputs, slices[k] * inputs);
            Object[] g = instances[k].gradients();
            for (int t = 0; t < params.length; t++) {
                float[] grad = (float[]) g[t];
                if (gradients[t] == null) {
                    gradients[t] = grad.clone();
                } else {
                    for (int i = 0; i < grad.length; i++) {
                        gradients[t][i] += grad[i];
                    }
                }
            }
        }
        return new Step(out, inputGradient, gradients, loss, params);
    }
}
