package cnnc.plan;

import cnnc.ast.Activation;

/**
 * The final softmax or sigmoid, fused with its cross-entropy loss (see {@link FuseOutputStage}).
 *
 * @param logits the buffer the stage reads
 * @param probabilities the buffer it writes: the network's output
 * @param logitsGrad where the loss's gradient with respect to the logits goes (training only)
 */
public record OutputStage(Activation activation, Buffer logits, Buffer probabilities, Buffer logitsGrad) {}
