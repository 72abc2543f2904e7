package cnnc.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.Frontend;
import cnnc.ast.Activation;
import cnnc.diag.SourceFile;
import cnnc.model.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's chain of steps and each of its named rewrites. */
class PlanTest {

    private static Network network(String source) {
        var result = Frontend.compile(new SourceFile("plan.cnn", source));
        return result.network().orElseThrow(() -> new AssertionError(result.diagnostics().toString()));
    }

    private static List<String> names(Plan plan) {
        return plan.steps().stream().map(s -> s.layer().name() + (s instanceof ConvPoolStep c ? "+" + c.pool().name() : ""))
                .toList();
    }

    @Test
    void chainSharesBuffersAcrossFlattenAndInferenceDropout() {
        Network net = network("input 8x8x1\nconv 2 3x3 relu\nflatten\ndropout 0.5\ndense 3 relu\n");
        Plan training = Plan.of(net, Mode.TRAINING);
        assertEquals(List.of("conv1", "dropout1", "dense1"), names(training));
        assertEquals("conv1Out", training.steps().get(1).in().name(), "flatten needs no buffer of its own");
        assertEquals("inputGrad", training.steps().get(0).inGrad().name());
        assertTrue(training.steps().get(0).inGradOnDemand(), "only gradient checks want the input's gradient");
        assertFalse(training.steps().get(1).inGradOnDemand());

        Plan inference = Plan.of(net, Mode.INFERENCE);
        assertEquals(List.of("conv1", "dense1"), names(inference));
        assertEquals("conv1Out", inference.steps().get(1).in().name(), "dropout is the identity at inference");
        assertTrue(inference.steps().stream().allMatch(s -> s.gradients().isEmpty()));
    }

    @Test
    void finalSoftmaxOnADenseLayerBecomesTheOutputStage() {
        Plan plan = Plan.of(network("input 4\ndense 3 softmax\n"), Mode.TRAINING);
        OutputStage stage = plan.outputStage().orElseThrow();
        assertEquals(Activation.SOFTMAX, stage.activation());
        assertEquals(Activation.LINEAR, plan.steps().get(0).activation(), "the layer's loops leave the softmax out");
        assertEquals("dense1Out", stage.logits().name());
        assertEquals("output", stage.probabilities().name());
        assertEquals("dense1Grad", stage.logitsGrad().name());
        assertEquals(stage.probabilities(), plan.output());
        assertEquals(null, plan.outputGrad());
    }

    @Test
    void finalStandaloneSigmoidLeavesThePlan() {
        Plan plan = Plan.of(network("input 4\ndense 1\nsigmoid\n"), Mode.TRAINING);
        assertEquals(List.of("dense1"), names(plan));
        OutputStage stage = plan.outputStage().orElseThrow();
        assertEquals(Activation.SIGMOID, stage.activation());
        assertEquals("dense1Out", stage.logits().name());
        assertEquals("sigmoid1Out", stage.probabilities().name());
        assertEquals("dense1Grad", stage.logitsGrad().name());
    }

    @Test
    void meanSquaredErrorKeepsTheLastActivationInItsLayer() {
        Plan plan = Plan.of(network("input 4\ndense 2 tanh\n"), Mode.TRAINING);
        assertTrue(plan.outputStage().isEmpty());
        assertEquals(Activation.TANH, plan.steps().get(0).activation());
        assertEquals("dense1Grad", plan.outputGrad().name());
    }

    @Test
    void maxPoolAfterReluConvolutionTakesOverItsDerivative() {
        Plan plan = Plan.of(network("input 8x8x1\nconv 2 3x3 relu\npool 2x2\nflatten\ndense 2 relu\n"), Mode.TRAINING);
        assertEquals(ReluFold.DERIVATIVE_IN_NEXT_POOL, plan.steps().get(0).reluFold());
        assertEquals(ReluFold.INPUT_FROM_RELU_CONV, plan.steps().get(1).reluFold());
        assertEquals(ReluFold.NONE, plan.steps().get(2).reluFold());
    }

    @Test
    void noFoldForAveragePoolsOtherActivationsOrAStepBetween() {
        for (String body : new String[] {"conv 2 3x3 relu\npool avg 2x2\n", "conv 2 3x3 tanh\npool 2x2\n",
            "conv 2 3x3 relu\ndropout 0.5\npool 2x2\n", "conv 2 3x3\nrelu\npool 2x2\n"}) {
            Plan plan = Plan.of(network("input 8x8x1\n" + body), Mode.TRAINING);
            assertTrue(plan.steps().stream().allMatch(s -> s.reluFold() == ReluFold.NONE), body);
        }
    }

    @Test
    void inferenceFusesStrideOneReluConvolutionWithItsPool() {
        Plan plan = Plan.of(network("input 12x12x1\nconv 2 3x3 relu\npool 2x2\nconv 2 3x3 stride 2 relu\npool 2x2\n"
                + "flatten\ndense 2 softmax\n"), Mode.INFERENCE);
        assertEquals(List.of("conv1+pool1", "conv2", "pool2", "dense1"), names(plan));
        Step fused = plan.steps().get(0);
        assertInstanceOf(ConvPoolStep.class, fused);
        assertEquals("pool1Out", fused.out().name(), "the convolution's own output is never stored");
        assertEquals("input", fused.in().name());
        assertEquals(ReluFold.INPUT_FROM_RELU_CONV, plan.steps().get(2).reluFold(), "stride 2: folded, not fused");
    }

    @Test
    void aSecondPoolAfterAFusedOneKeepsItsStep() {
        Plan plan = Plan.of(network("input 14x14x1\nconv 2 3x3 relu\npool 2x2 stride 1\npool 2x2\n"), Mode.INFERENCE);
        assertEquals(List.of("conv1+pool1", "pool2"), names(plan));
        assertEquals("pool1Out", plan.steps().get(1).in().name());
        assertEquals(ReluFold.NONE, plan.steps().get(1).reluFold());
    }

    @Test
    void aPoolThatEndsTheNetworkIsNotFused() {
        Plan plan = Plan.of(network("input 8x8x1\nconv 2 3x3 relu\npool 2x2\n"), Mode.INFERENCE);
        assertEquals(List.of("conv1", "pool1"), names(plan));
        assertEquals("pool1Out", plan.output().name());
    }

    @Test
    void buffersAreListedOnce() {
        Plan plan = Plan.of(network("input 8x8x1\nconv 2 3x3 relu\nflatten\ndense 2 softmax\n"), Mode.TRAINING);
        var names = plan.buffers().stream().map(Buffer::name).toList();
        assertEquals(List.of("input", "inputGrad", "conv1Out", "conv1Grad", "dense1Out", "dense1Grad", "output"), names);
        assertEquals(List.of("input", "conv1Out", "dense1Out", "output"),
                plan.forwardBuffers().stream().map(Buffer::name).toList());
    }
}
