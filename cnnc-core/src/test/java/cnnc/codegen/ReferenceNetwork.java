package cnnc.codegen;

import cnnc.ast.Activation;
import cnnc.ast.PoolKind;
import cnnc.model.Layer;
import cnnc.model.Network;
import cnnc.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The obviously correct version: one example at a time, in double, as nested loops over
 * H x W x C arrays with explicit bounds tests for padding and no unrolling. Written from the
 * definitions, not from the generator, so the two can be compared. Dropout is the identity
 * (inference).
 */
final class ReferenceNetwork {
    private ReferenceNetwork() {}

    /** @param params parameter arrays in {@link Parameter#of} order, PyTorch layouts */
    static double[] forward(Network network, List<double[]> params, double[] inputHwc) {
        return forward(network, params, List.of(inputHwc), false).get(0);
    }

    /**
     * A batch, layer by layer; with {@code training}, each batchnorm that is not frozen normalizes with the
     * batch's mean and biased variance and updates its running averages in {@code params} (the unbiased
     * variance, as PyTorch), else with the running averages.
     */
    static List<double[]> forward(Network network, List<double[]> params, List<double[]> inputsHwc, boolean training) {
        var xs = new ArrayList<Object>();
        for (double[] input : inputsHwc) {
            xs.add(toVolumeOrVector(network.input(), input));
        }
        int p = 0;
        for (Layer layer : network.layers()) {
            if (layer instanceof Layer.BatchNorm bn) {
                batchNorm(bn, xs, params.subList(p, p + 4), training && !bn.frozen());
                p += 4;
                continue;
            }
            int first = p;
            p += layer.parameters().size();
            for (int n = 0; n < xs.size(); n++) {
                xs.set(n, layer(layer, xs.get(n), params.subList(first, p)));
            }
        }
        var out = new ArrayList<double[]>();
        for (Object x : xs) {
            out.add(x instanceof double[] v ? v : flatten(x));
        }
        return out;
    }

    private static Object layer(Layer layer, Object x, List<double[]> params) {
        if (layer instanceof Layer.Conv c) {
            return conv(c, (double[][][]) x, params.get(0), c.bias() ? params.get(1) : new double[c.filters()]);
        } else if (layer instanceof Layer.Pool pool) {
            return pool(pool, (double[][][]) x);
        } else if (layer instanceof Layer.Pad pad) {
            return pad(pad, (double[][][]) x);
        } else if (layer instanceof Layer.GlobalPool global) {
            return globalPool(global, (double[][][]) x);
        } else if (layer instanceof Layer.Flatten) {
            return flatten(x);
        } else if (layer instanceof Layer.Dense d) {
            return dense(d, (double[]) x, params.get(0), d.bias() ? params.get(1) : new double[d.units()]);
        } else if (layer instanceof Layer.ActivationLayer a) {
            return activate(a.activation(), a.activationAlpha(), x);
        }
        return x; // dropout: identity at inference
    }

    /**
     * Batch normalization from its definition, per channel of a volume (the last index) or unit of a
     * vector: y = gamma * (x - mean) / sqrt(var + eps) + beta. {@code p}: weight, bias, running mean and
     * variance.
     */
    static void batchNorm(Layer.BatchNorm bn, List<Object> xs, List<double[]> p, boolean batchStatistics) {
        int channels = bn.channels();
        double[] mean = new double[channels];
        double[] variance = new double[channels];
        int count = xs.size() * bn.plane();
        for (int c = 0; c < channels; c++) {
            if (!batchStatistics) {
                mean[c] = p.get(2)[c];
                variance[c] = p.get(3)[c];
                continue;
            }
            double sum = 0;
            for (Object x : xs) {
                for (double v : channel(x, c)) {
                    sum += v;
                }
            }
            mean[c] = sum / count;
            double squares = 0;
            for (Object x : xs) {
                for (double v : channel(x, c)) {
                    squares += (v - mean[c]) * (v - mean[c]);
                }
            }
            variance[c] = squares / count;
            p.get(2)[c] = bn.momentum() * p.get(2)[c] + (1 - bn.momentum()) * mean[c];
            p.get(3)[c] = bn.momentum() * p.get(3)[c] + (1 - bn.momentum()) * squares / Math.max(count - 1, 1);
        }
        for (Object x : xs) {
            for (int c = 0; c < channels; c++) {
                double scale = p.get(0)[c] / Math.sqrt(variance[c] + bn.epsilon());
                if (x instanceof double[] v) {
                    v[c] = (v[c] - mean[c]) * scale + p.get(1)[c];
                    continue;
                }
                for (double[][] row : (double[][][]) x) {
                    for (double[] pixel : row) {
                        pixel[c] = (pixel[c] - mean[c]) * scale + p.get(1)[c];
                    }
                }
            }
        }
    }

    /** The values of channel {@code c} of one example. */
    private static double[] channel(Object x, int c) {
        if (x instanceof double[] v) {
            return new double[] {v[c]};
        }
        var in = (double[][][]) x;
        var out = new double[in.length * in[0].length];
        for (int y = 0; y < in.length; y++) {
            for (int xx = 0; xx < in[0].length; xx++) {
                out[y * in[0].length + xx] = in[y][xx][c];
            }
        }
        return out;
    }

    private static Object toVolumeOrVector(Shape shape, double[] hwc) {
        if (shape instanceof Shape.Vector) {
            return hwc.clone();
        }
        var v = (Shape.Volume) shape;
        double[][][] out = new double[v.height()][v.width()][v.channels()];
        for (int y = 0; y < v.height(); y++) {
            for (int x = 0; x < v.width(); x++) {
                for (int c = 0; c < v.channels(); c++) {
                    out[y][x][c] = hwc[(y * v.width() + x) * v.channels() + c];
                }
            }
        }
        return out;
    }

    static double[][][] conv(Layer.Conv c, double[][][] in, double[] w, double[] b) {
        int h = in.length, wd = in[0].length, ch = in[0][0].length;
        var out = new double[c.out().height()][c.out().width()][c.filters()];
        for (int oy = 0; oy < c.out().height(); oy++) {
            for (int ox = 0; ox < c.out().width(); ox++) {
                for (int k = 0; k < c.filters(); k++) {
                    double sum = b[k];
                    for (int ky = 0; ky < c.kernelHeight(); ky++) {
                        for (int kx = 0; kx < c.kernelWidth(); kx++) {
                            int y = oy * c.stride() + ky - c.padTop();
                            int x = ox * c.stride() + kx - c.padLeft();
                            if (y < 0 || y >= h || x < 0 || x >= wd) {
                                continue; // zero padding
                            }
                            for (int i = 0; i < ch; i++) {
                                sum += w[((k * ch + i) * c.kernelHeight() + ky) * c.kernelWidth() + kx] * in[y][x][i];
                            }
                        }
                    }
                    out[oy][ox][k] = scalar(c.activation(), c.activationAlpha(), sum);
                }
            }
        }
        return out;
    }

    static double[][][] pool(Layer.Pool p, double[][][] in) {
        var out = new double[p.out().height()][p.out().width()][p.out().channels()];
        for (int oy = 0; oy < p.out().height(); oy++) {
            for (int ox = 0; ox < p.out().width(); ox++) {
                for (int c = 0; c < p.out().channels(); c++) {
                    double max = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    for (int ky = 0; ky < p.windowHeight(); ky++) {
                        for (int kx = 0; kx < p.windowWidth(); kx++) {
                            double v = in[oy * p.stride() + ky][ox * p.stride() + kx][c];
                            max = Math.max(max, v);
                            sum += v;
                        }
                    }
                    out[oy][ox][c] = p.kind() == PoolKind.MAX ? max : sum / (p.windowHeight() * p.windowWidth());
                }
            }
        }
        return out;
    }

    /** Zeros around each plane. */
    static double[][][] pad(Layer.Pad p, double[][][] in) {
        var out = new double[p.out().height()][p.out().width()][p.out().channels()];
        for (int y = 0; y < in.length; y++) {
            for (int x = 0; x < in[0].length; x++) {
                out[y + p.rows()][x + p.columns()] = in[y][x].clone();
            }
        }
        return out;
    }

    /** Each channel's maximum or mean over its whole plane, as a vector of the channels. */
    static double[] globalPool(Layer.GlobalPool p, double[][][] in) {
        int h = in.length, w = in[0].length, channels = in[0][0].length;
        var out = new double[channels];
        for (int c = 0; c < channels; c++) {
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    max = Math.max(max, in[y][x][c]);
                    sum += in[y][x][c];
                }
            }
            out[c] = p.kind() == PoolKind.MAX ? max : sum / (h * w);
        }
        return out;
    }

    /** C, H, W order, as PyTorch's flatten of an N, C, H, W tensor. */
    static double[] flatten(Object x) {
        if (x instanceof double[] v) {
            return v;
        }
        var in = (double[][][]) x;
        int h = in.length, w = in[0].length, ch = in[0][0].length;
        var out = new double[h * w * ch];
        for (int c = 0; c < ch; c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    out[(c * h + y) * w + xx] = in[y][xx][c];
                }
            }
        }
        return out;
    }

    static double[] dense(Layer.Dense d, double[] in, double[] w, double[] b) {
        var z = new double[d.units()];
        for (int j = 0; j < d.units(); j++) {
            double sum = b[j];
            for (int i = 0; i < in.length; i++) {
                sum += w[j * in.length + i] * in[i];
            }
            z[j] = sum;
        }
        return (double[]) activate(d.activation(), d.activationAlpha(), z);
    }

    static Object activate(Activation a, double alpha, Object x) {
        if (x instanceof double[] v) {
            if (a == Activation.SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                for (double e : v) {
                    max = Math.max(max, e);
                }
                double sum = 0;
                var out = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    out[i] = Math.exp(v[i] - max);
                    sum += out[i];
                }
                for (int i = 0; i < v.length; i++) {
                    out[i] /= sum;
                }
                return out;
            }
            var out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = scalar(a, alpha, v[i]);
            }
            return out;
        }
        var in = (double[][][]) x;
        var out = new double[in.length][in[0].length][in[0][0].length];
        for (int y = 0; y < in.length; y++) {
            for (int xx = 0; xx < in[0].length; xx++) {
                for (int c = 0; c < in[0][0].length; c++) {
                    out[y][xx][c] = scalar(a, alpha, in[y][xx][c]);
                }
            }
        }
        return out;
    }

    /** {@code alpha}: leakyrelu's slope below zero, elu's alpha. */
    static double scalar(Activation a, double alpha, double v) {
        switch (a) {
            case RELU:
                return Math.max(v, 0);
            case SIGMOID:
                return 1 / (1 + Math.exp(-v));
            case TANH:
                return Math.tanh(v);
            case LINEAR:
                return v;
            case LEAKYRELU:
                return v > 0 ? v : alpha * v;
            case ELU:
                return v > 0 ? v : alpha * Math.expm1(v);
            default:
                throw new IllegalArgumentException("softmax is not elementwise");
        }
    }
}
