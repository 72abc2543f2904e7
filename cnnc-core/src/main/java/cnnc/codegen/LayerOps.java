package cnnc.codegen;

import cnnc.codegen.activation.ActivationOp;
import cnnc.codegen.batchnorm.BatchNormOp;
import cnnc.codegen.conv.ConvOp;
import cnnc.codegen.conv.VectorConvOp;
import cnnc.codegen.dense.DenseOp;
import cnnc.codegen.dense.VectorDenseOp;
import cnnc.codegen.dropout.DropoutOp;
import cnnc.codegen.pad.PadOp;
import cnnc.codegen.pool.GlobalPoolOp;
import cnnc.codegen.pool.PoolGeometry;
import cnnc.codegen.pool.PoolOp;
import cnnc.codegen.pool.VectorPoolOp;
import cnnc.model.Layer;
import cnnc.plan.Plan;
import cnnc.plan.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the generator dispatches on a layer's kind: which op writes a step's code on which
 * backend. A new kind of layer adds a method to {@link Layer.Visitor}, and the compiler then points
 * here (and at the checker).
 */
public final class LayerOps {
    private LayerOps() {}

    /** The ops of a plan's steps, in order. */
    public static List<LayerOp> of(Plan plan, Precision precision, Backend backend) {
        var ops = new ArrayList<LayerOp>();
        int salt = 0;
        for (Step step : plan.steps()) {
            ops.add(of(new OpContext(step, precision, plan.mode()), backend, ++salt));
        }
        return ops;
    }

    /**
     * Whether a layer's code is written on the Vector API on this backend: the one rule the ops
     * and the compiler (which adds the module) follow.
     */
    public static boolean vectorized(Layer layer, Backend backend) {
        return backend == Backend.VECTOR && layer.accept(new Layer.Visitor<Boolean>() {
            @Override
            public Boolean conv(Layer.Conv conv) {
                return VectorConvOp.supports(conv);
            }

            @Override
            public Boolean pool(Layer.Pool pool) {
                return VectorPoolOp.supports(pool);
            }

            @Override
            public Boolean globalPool(Layer.GlobalPool pool) {
                return false;
            }

            @Override
            public Boolean pad(Layer.Pad pad) {
                return false;
            }

            @Override
            public Boolean batchNorm(Layer.BatchNorm batchNorm) {
                return false;
            }

            @Override
            public Boolean flatten(Layer.Flatten flatten) {
                return false;
            }

            @Override
            public Boolean dense(Layer.Dense dense) {
                return true;
            }

            @Override
            public Boolean dropout(Layer.Dropout dropout) {
                return false;
            }

            @Override
            public Boolean activation(Layer.ActivationLayer activation) {
                return false;
            }
        });
    }

    /** {@code salt} tells dropout layers apart. */
    private static LayerOp of(OpContext ctx, Backend backend, int salt) {
        Step step = ctx.step();
        // a step that pools inside a convolution's loop exists only in scalar inference classes
        boolean vector = vectorized(step.layer(), backend) && step.fusedPool().isEmpty();
        return step.layer().accept(new Layer.Visitor<LayerOp>() {
            @Override
            public LayerOp conv(Layer.Conv conv) {
                return vector ? new VectorConvOp(ctx, conv) : new ConvOp(ctx, conv);
            }

            @Override
            public LayerOp pool(Layer.Pool pool) {
                PoolGeometry geometry = PoolGeometry.of(pool);
                return vector ? new VectorPoolOp(ctx, geometry) : new PoolOp(ctx, geometry);
            }

            @Override
            public LayerOp globalPool(Layer.GlobalPool pool) {
                return new GlobalPoolOp(ctx, pool);
            }

            @Override
            public LayerOp pad(Layer.Pad pad) {
                return new PadOp(ctx, pad);
            }

            @Override
            public LayerOp batchNorm(Layer.BatchNorm batchNorm) {
                return new BatchNormOp(ctx, batchNorm);
            }

            @Override
            public LayerOp flatten(Layer.Flatten flatten) {
                throw new IllegalArgumentException("flatten has no code of its own: " + step);
            }

            @Override
            public LayerOp dense(Layer.Dense dense) {
                return vector ? new VectorDenseOp(ctx, dense) : new DenseOp(ctx, dense);
            }

            @Override
            public LayerOp dropout(Layer.Dropout dropout) {
                if (!ctx.training()) {
                    throw new IllegalArgumentException("an inference plan has no dropout step: " + step);
                }
                return new DropoutOp(ctx, dropout, salt);
            }

            @Override
            public LayerOp activation(Layer.ActivationLayer activation) {
                return new ActivationOp(ctx);
            }
        });
    }
}
