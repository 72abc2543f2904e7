package cnnc.plan;

/**
 * Where a training step's gradients come from and go.
 *
 * @param in the buffer that receives the gradient of the step's input
 * @param out the buffer holding the gradient of the step's output
 * @param input when the input gradient is computed
 */
public record Gradients(Buffer in, Buffer out, InputGradient input) {

    /** When a step computes the gradient of its input. */
    public enum InputGradient {
        /** Every backward pass: an earlier step needs it. */
        ALWAYS,
        /** Only when asked for: the input is the network's own, whose gradient only gradient checks want. */
        ON_DEMAND
    }
}
