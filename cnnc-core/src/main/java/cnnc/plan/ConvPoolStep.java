package cnnc.plan;

import cnnc.ast.Activation;
import cnnc.model.Layer;
import java.util.Optional;

/**
 * A stride-1 ReLU convolution that runs its max pool on each output plane while the plane is in
 * cache (inference plans only, see {@link FuseConvPool}): {@code out} is the pool's output, and the
 * convolution's own output is never stored.
 */
public record ConvPoolStep(Layer.Conv conv, Layer.Pool pool, Buffer in, Buffer out, Activation activation)
        implements Step {

    @Override
    public Layer layer() {
        return conv;
    }

    @Override
    public Optional<Gradients> gradients() {
        return Optional.empty();
    }

    @Override
    public Optional<Layer.Pool> fusedPool() {
        return Optional.of(pool);
    }
}
