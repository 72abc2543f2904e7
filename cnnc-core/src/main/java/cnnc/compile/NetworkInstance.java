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
        try {
            owner.handles.forward().invokeExact(target, inputs, offset, batch, training);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public double backward(Object targets, int offset, int batch) {
        try {
            return (double) owner.handles.backward().invokeExact(target, targets, offset, batch);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public double loss(Object targets, int offset, int batch) {
        try {
            return (double) owner.handles.loss().invokeExact(target, targets, offset, batch);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public Object output() {
        try {
            return (Object) owner.handles.output().invokeExact(target);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public Object[] parameters() {
        try {
            return (Object[]) owner.handles.parameters().invokeExact(target);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public Object[] gradients() {
        try {
            return (Object[]) owner.handles.gradients().invokeExact(target);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public void zeroGradients() {
        try {
            owner.handles.zeroGradients().invokeExact(target);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public void setRandomState(long seed, long firstExample) {
        try {
            owner.handles.setRandomState().invokeExact(target, seed, firstExample);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public void setInputGradientEnabled(boolean enabled) {
        try {
            owner.handles.setInputGradientEnabled().invokeExact(target, enabled);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    /**
     * While {@code held}, inference passes reuse the layouts of the weights (transposed copies,
     * panels) that the first of them derived; the caller must not change the parameters meanwhile.
     */
    public void holdWeights(boolean held) {
        try {
            owner.handles.holdWeights().invokeExact(target, held);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    /** Makes this instance run examples from {@code first} of a batch of {@code examples} whose statistics it shares. */
    public void shareBatch(double[][] sums, int first, int examples) {
        try {
            owner.staged().shareBatch().invokeExact(target, sums, first, examples);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    /** One stage of a training forward pass ({@link CompiledNetwork#stages}). */
    public void forwardStage(int stage, Object inputs, int offset, int batch) {
        try {
            owner.staged().forwardStage().invokeExact(target, stage, inputs, offset, batch);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    /** One stage of the backward pass, the last first; the last returns the loss, the others 0. */
    public double backwardStage(int stage, Object targets, int offset, int batch) {
        try {
            return (double) owner.staged().backwardStage().invokeExact(target, stage, targets, offset, batch);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }

    public Object inputGradient() {
        try {
            return (Object) owner.handles.inputGradient().invokeExact(target);
        } catch (Throwable e) {
            throw CompiledNetwork.unchecked(e);
        }
    }
}
