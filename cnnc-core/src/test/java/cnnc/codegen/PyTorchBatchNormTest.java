package cnnc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compile.CompiledNetwork;
import cnnc.compile.NetworkCompiler;
import cnnc.compile.NetworkInstance;
import cnnc.io.SafeTensors;
import cnnc.io.SafeTensorsFile;
import cnnc.model.Network;
import cnnc.model.Parameter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generated code against PyTorch 2.13 on the same weights and inputs: a network with batchnorm per
 * channel (BatchNorm2d) and per unit (BatchNorm1d) at three momentums and two epsilons, leaky ReLU and
 * ELU with their own slope and alpha. One training step (batch statistics: outputs, summed loss, every
 * gradient, the running averages after it) and the eval-mode outputs after it, as
 * {@code bench/pytorch_batchnorm_reference.py} computed them into a test resource.
 */
class PyTorchBatchNormTest {
    private static final double OUTPUT_TOLERANCE = 1e-5;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTrainingStepAndEvaluationEqualPyTorchs(Backend backend) throws URISyntaxException {
        SafeTensorsFile file = SafeTensors.read(Path.of(getClass().getResource("/pytorch/batchnorm-step.safetensors").toURI()));
        Network network = RandomNetworks.parse(file.metadata().get("cnn_source"));
        CompiledNetwork compiled = NetworkCompiler.compile(network, Precision.FLOAT, backend);
        List<Parameter> parameters = compiled.parameters();
        var params = (float[][]) compiled.newParameters();
        for (int t = 0; t < params.length; t++) {
            params[t] = file.tensor(parameters.get(t).tensorName()).data().clone();
        }
        float[] x = file.tensor("input").data();
        float[] labels = file.tensor("labels").data();
        int batch = labels.length;
        int outputs = network.output().size();
        float[] targets = new float[batch * outputs];
        for (int n = 0; n < batch; n++) {
            targets[n * outputs + (int) labels[n]] = 1;
        }
        NetworkInstance net = compiled.instantiate(batch, params);
        net.setInputGradientEnabled(true);
        net.zeroGradients();
        net.forward(x, 0, batch, true);
        var failures = new ArrayList<String>();
        double worst = compare(failures, "training output", (float[]) net.output(), file.tensor("expected/train_output").data(),
                OUTPUT_TOLERANCE);
        double loss = net.backward(targets, 0, batch);
        float expectedLoss = file.tensor("expected/loss").data()[0];
        assertEquals(expectedLoss, loss, 1e-5 * expectedLoss, "summed cross-entropy");
        Object[] gradients = net.gradients();
        int compared = 0;
        for (int t = 0; t < params.length; t++) {
            String name = parameters.get(t).tensorName();
            if (parameters.get(t).trainable()) {
                compare(failures, "gradient of " + name, (float[]) gradients[t], file.tensor("expected/grad/" + name).data(), 1e-4);
                compared++;
            } else {
                compare(failures, name + " after the step", params[t], file.tensor("expected/after/" + name).data(), 1e-5);
            }
        }
        assertEquals(12, compared, "every conv, dense and batchnorm parameter");
        compare(failures, "input gradient", (float[]) net.inputGradient(), file.tensor("expected/input_grad").data(), 1e-4);
        net.forward(x, 0, batch, false);
        worst = Math.max(worst, compare(failures, "eval output", (float[]) net.output(),
                file.tensor("expected/eval_output").data(), OUTPUT_TOLERANCE));
        assertTrue(failures.isEmpty(), backend + ": differs from PyTorch:\n" + String.join("\n", failures));
        System.out.printf("PyTorch equality (%s): largest output difference %.2e%n", backend, worst);
    }

    /** Records where |got - want| exceeds the tolerance (relative above 1); returns the largest difference. */
    private static double compare(List<String> failures, String what, float[] got, float[] want, double tolerance) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs(got[i] - want[i]);
            worst = Math.max(worst, diff);
            if (!(diff <= tolerance * Math.max(1, Math.abs(want[i])))) {
                failures.add("  " + what + "[" + i + "]: cnnc " + got[i] + ", PyTorch " + want[i]);
            }
        }
        return worst;
    }
}
