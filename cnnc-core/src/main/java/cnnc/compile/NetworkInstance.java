package cnnc.compile;

/**
 * One instance of a generated network: its own activations and gradients, possibly shared
 * parameters. Arrays are float[] for float32 networks and double[] for float64 ones.
 */
public final class NetworkInstance {
    private final CompiledNetwork owner;
    private final Object target;

    NetworkInstance(CompiledNetwork owner, Object target) {
        this.owner = owner;
        this.target = target;
    }

    /** The generated object itself, for callers that use its class directly. */
    public Object target() {
        return target;
    }

    public void forward(Object inputs, int offset, int batch, boolean training) {
        CompiledNetwork.invoke(owner.handles.forward(), target, inputs, offset, batch, training);
    }

    public double backward(Object targets, int offset, int batch) {
        return (double) CompiledNetwork.invoke(owner.handles.backward(), target, targets, offset, batch);
    }

    public double loss(Object targets, int offset, int batch) {
        return (double) CompiledNetwork.invoke(owner.handles.loss(), target, targets, offset, batch);
    }

    public Object output() {
        return CompiledNetwork.invoke(owner.handles.output(), target);
    }

    public Object[] parameters() {
        return (Object[]) CompiledNetwork.invoke(owner.handles.parameters(), target);
    }

    public Object[] gradients() {
        return (Object[]) CompiledNetwork.invoke(owner.handles.gradients(), target);
    }

    public void zeroGradients() {
        CompiledNetwork.invoke(owner.handles.zeroGradients(), target);
    }

    public void setRandomState(long seed, long firstExample) {
        CompiledNetwork.invoke(owner.handles.setRandomState(), target, seed, firstExample);
    }

    public void setInputGradientEnabled(boolean enabled) {
        CompiledNetwork.invoke(owner.handles.setInputGradientEnabled(), target, enabled);
    }

    /** Makes this instance run examples from {@code first} of a batch of {@code examples} whose statistics it shares. */
    public void shareBatch(double[][] sums, int first, int examples) {
        CompiledNetwork.invoke(owner.staged().shareBatch(), target, sums, first, examples);
    }

    /** One stage of a training forward pass ({@link CompiledNetwork#stages}). */
    public void forwardStage(int stage, Object inputs, int offset, int batch) {
        CompiledNetwork.invoke(owner.staged().forwardStage(), target, stage, inputs, offset, batch);
    }

    /** One stage of the backward pass, the last first; the last returns the loss, the others 0. */
    public double backwardStage(int stage, Object targets, int offset, int batch) {
        return (double) CompiledNetwork.invoke(owner.staged().backwardStage(), target, stage, targets, offset, batch);
    }

    public Object inputGradient() {
        return CompiledNetwork.invoke(owner.handles.inputGradient(), target);
    }
}
