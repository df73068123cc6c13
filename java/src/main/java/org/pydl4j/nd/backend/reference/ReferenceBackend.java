package org.pydl4j.nd.backend.reference;

import java.util.Arrays;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.PoolingType;
import org.pydl4j.nd.backend.Checks;
import org.pydl4j.nd.backend.ConvGeometry;
import org.pydl4j.nd.backend.BatchNormShape;

/**
 * The oracle: every op as the plainest loops over double[] copies of the inputs, results rounded once into the
 * input's data type. Written for obviousness, not speed; every fast backend is tested against it, and gradient
 * checks run on it in DOUBLE.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() { return "reference"; }

    // ---------------------------------------------------------------- gemm

    @Override
    public void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        long[] mnk = Checks.gemm(a, transA, b, transB, c);
        long m = mnk[0], n = mnk[1], k = mnk[2];
        double[] x = a.toDoubleVector(), y = b.toDoubleVector(), z = c.toDoubleVector();
        int ac = (int) a.size(1), bc = (int) b.size(1);
        double[] row = new double[(int) n];
        for (int i = 0; i < m; i++) {
            Arrays.fill(row, 0);
            for (int p = 0; p < k; p++) {
                double av = transA ? x[p * ac + i] : x[i * ac + p];
                if (av == 0) continue;
                for (int j = 0; j < n; j++) row[j] += av * (transB ? y[j * bc + p] : y[p * bc + j]);
            }
            for (int j = 0; j < n; j++) {
                int o = (int) (i * n + j);
                c.putLinear(o, alpha * row[j] + (beta == 0 ? 0 : beta * z[o]));
            }
        }
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public INDArray conv2d(INDArray input, INDArray weight, INDArray bias, ConvParams p) {
        ConvGeometry g = Checks.conv2d("conv2d", input, weight, bias, p);
        double[] x = input.toDoubleVector(), w = weight.toDoubleVector();
        double[] y = new double[g.n * g.outC * g.outH * g.outW];
        for (int n = 0; n < g.n; n++) {
            for (int oc = 0; oc < g.outC; oc++) {
                int group = oc / g.outPerGroup;
                int yBase = ((n * g.outC + oc) * g.outH) * g.outW;
                double b = bias == null ? 0 : bias.getDoubleLinear(oc);
                for (int o = 0; o < g.outH * g.outW; o++) y[yBase + o] = b;
                for (int icg = 0; icg < g.inPerGroup; icg++) {
                    int ic = group * g.inPerGroup + icg;
                    for (int kh = 0; kh < p.kH; kh++) {
                        for (int kw = 0; kw < p.kW; kw++) {
                            double wv = w[((oc * g.inPerGroup + icg) * p.kH + kh) * p.kW + kw];
                            for (int oh = 0; oh < g.outH; oh++) {
                                int ih = oh * p.sH - p.padTop + kh * p.dH;
                                if (ih < 0 || ih >= g.inH) continue;
                                int xRow = ((n * g.inC + ic) * g.inH + ih) * g.inW;
                                int yRow = yBase + oh * g.outW;
                                for (int ow = 0; ow < g.outW; ow++) {
                                    int iw = ow * p.sW - p.padLeft + kw * p.dW;
                                    if (iw >= 0 && iw < g.inW) y[yRow + ow] += wv * x[xRow + iw];
                                }
                            }
                        }
                    }
                }
            }
        }
        return Nd4j.create(y, g.outShape(), input.dataType());
    }

    @Override
    public INDArray conv2dBackwardData(INDArray gradOut, INDArray weight, long[] inputShape, ConvParams p) {
        ConvGeometry g = Checks.conv2dBackwardData(gradOut, weight, inputShape, p);
        double[] gy = gradOut.toDoubleVector(), w = weight.toDoubleVector();
        double[] gx = new double[g.n * g.inC * g.inH * g.inW];
        for (int n = 0; n < g.n; n++) {
            for (int oc = 0; oc < g.outC; oc++) {
                int group = oc / g.outPerGroup;
                int yBase = ((n * g.outC + oc) * g.outH) * g.outW;
                for (int icg = 0; icg < g.inPerGroup; icg++) {
                    int ic = group * g.inPerGroup + icg;
                    for (int kh = 0; kh < p.kH; kh++) {
                        for (int kw = 0; kw < p.kW; kw++) {
                            double wv = w[((oc * g.inPerGroup + icg) * p.kH + kh) * p.kW + kw];
                            for (int oh = 0; oh < g.outH; oh++) {
                                int ih = oh * p.sH - p.padTop + kh * p.dH;
                                if (ih < 0 || ih >= g.inH) continue;
                                int xRow = ((n * g.inC + ic) * g.inH + ih) * g.inW;
                                for (int ow = 0; ow < g.outW; ow++) {
                                    int iw = ow * p.sW - p.padLeft + kw * p.dW;
                                    if (iw >= 0 && iw < g.inW) gx[xRow + iw] += wv * gy[yBase + oh * g.outW + ow];
                                }
                            }
                        }
                    }
                }
            }
        }
        return Nd4j.create(gx, inputShape.clone(), gradOut.dataType());
    }

    @Override
    public INDArray[] conv2dBackwardWeights(INDArray input, INDArray gradOut, long[] weightShape, boolean withBias, ConvParams p) {
        ConvGeometry g = Checks.conv2dBackwardWeights(input, gradOut, weightShape, p);
        double[] x = input.toDoubleVector(), gy = gradOut.toDoubleVector();
        double[] gw = new double[g.outC * g.inPerGroup * p.kH * p.kW];
        double[] gb = new double[g.outC];
        for (int n = 0; n < g.n; n++) {
            for (int oc = 0; oc < g.outC; oc++) {
                int group = oc / g.outPerGroup;
                int yBase = ((n * g.outC + oc) * g.outH) * g.outW;
                for (int o = 0; o < g.outH * g.outW; o++) gb[oc] += gy[yBase + o];
                for (int icg = 0; icg < g.inPerGroup; icg++) {
                    int ic = group * g.inPerGroup + icg;
                    for (int kh = 0; kh < p.kH; kh++) {
                        for (int kw = 0; kw < p.kW; kw++) {
                            double acc = 0;
                            for (int oh = 0; oh < g.outH; oh++) {
                                int ih = oh * p.sH - p.padTop + kh * p.dH;
                                if (ih < 0 || ih >= g.inH) continue;
                                int xRow = ((n * g.inC + ic) * g.inH + ih) * g.inW;
                                for (int ow = 0; ow < g.outW; ow++) {
                                    int iw = ow * p.sW - p.padLeft + kw * p.dW;
                                    if (iw >= 0 && iw < g.inW) acc += x[xRow + iw] * gy[yBase + oh * g.outW + ow];
                                }
                            }
                            gw[((oc * g.inPerGroup + icg) * p.kH + kh) * p.kW + kw] += acc;
                        }
                    }
                }
            }
        }
        DataType t = input.dataType();
        return new INDArray[]{Nd4j.create(gw, weightShape.clone(), t), withBias ? Nd4j.create(gb, new long[]{g.outC}, t) : null};
    }

    // ---------------------------------------------------------------- pooling

    @Override
    public INDArray pool2d(INDArray input, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2d", input, null, type, p);
        double[] x = input.toDoubleVector();
        double[] y = new double[g.n * g.inC * g.outH * g.outW];
        for (int nc = 0; nc < g.n * g.inC; nc++) {
            for (int oh = 0; oh < g.outH; oh++) {
                for (int ow = 0; ow < g.outW; ow++) {
                    double acc = type == PoolingType.MAX ? Double.NEGATIVE_INFINITY : 0;
                    int count = 0;
                    for (int kh = 0; kh < p.kH; kh++) {
                        int ih = oh * p.sH - p.padTop + kh * p.dH;
                        if (ih < 0 || ih >= g.inH) continue;
                        for (int kw = 0; kw < p.kW; kw++) {
                            int iw = ow * p.sW - p.padLeft + kw * p.dW;
                            if (iw < 0 || iw >= g.inW) continue;
                            double v = x[(nc * g.inH + ih) * g.inW + iw];
                            acc = type == PoolingType.MAX ? Math.max(acc, v) : acc + v;
                            count++;
                        }
                    }
                    y[(nc * g.outH + oh) * g.outW + ow] = type == PoolingType.MAX ? acc : acc / Math.max(1, count);
                }
            }
        }
        return Nd4j.create(y, new long[]{g.n, g.inC, g.outH, g.outW}, input.dataType());
    }

    @Override
    public INDArray pool2dBackward(INDArray input, INDArray gradOut, PoolingType type, ConvParams p) {
        ConvGeometry g = Checks.pool2d("pool2dBackward", input, gradOut, type, p);
        double[] x = input.toDoubleVector(), gy = gradOut.toDoubleVector();
        double[] gx = new double[x.length];
        for (int nc = 0; nc < g.n * g.inC; nc++) {
            for (int oh = 0; oh < g.outH; oh++) {
                for (int ow = 0; ow < g.outW; ow++) {
                    double grad = gy[(nc * g.outH + oh) * g.outW + ow];
                    int best = -1, count = 0;
                    double bestV = Double.NEGATIVE_INFINITY;
                    for (int kh = 0; kh < p.kH; kh++) {
                        int ih = oh * p.sH - p.padTop + kh * p.dH;
                        if (ih < 0 || ih >= g.inH) continue;
                        for (int kw = 0; kw < p.kW; kw++) {
                            int iw = ow * p.sW - p.padLeft + kw * p.dW;
                            if (iw < 0 || iw >= g.inW) continue;
                            int at = (nc * g.inH + ih) * g.inW + iw;
                            if (best < 0 || x[at] > bestV) { best = at; bestV = x[at]; }
                            count++;
                        }
                    }
                    if (type == PoolingType.MAX) {
                        if (best >= 0) gx[best] += grad;
                    } else {
                        for (int kh = 0; kh < p.kH; kh++) {
                            int ih = oh * p.sH - p.padTop + kh * p.dH;
                            if (ih < 0 || ih >= g.inH) continue;
                            for (int kw = 0; kw < p.kW; kw++) {
                                int iw = ow * p.sW - p.padLeft + kw * p.dW;
                                if (iw >= 0 && iw < g.inW) gx[(nc * g.inH + ih) * g.inW + iw] += grad / count;
                            }
                        }
                    }
                }
            }
        }
        return Nd4j.create(gx, input.shape(), input.dataType());
    }

    // ---------------------------------------------------------------- batch normalization

    /** [N, C, spatial...] viewed as (N, C, S): index of element (n, c, s). */
    private static int at(int n, int c, int s, int C, int S) { return (n * C + c) * S + s; }

    @Override
    public INDArray[] batchNormTraining(INDArray input, INDArray gamma, INDArray beta, double eps) {
        BatchNormShape d = Checks.batchNormTraining(input, gamma, beta, eps);
        double[] x = input.toDoubleVector();
        double[] mean = new double[d.c], var = new double[d.c];
        for (int c = 0; c < d.c; c++) {
            double s = 0;
            for (int n = 0; n < d.n; n++) for (int i = 0; i < d.s; i++) s += x[at(n, c, i, d.c, d.s)];
            mean[c] = s / d.m;
            double v = 0;
            for (int n = 0; n < d.n; n++) for (int i = 0; i < d.s; i++) { double t = x[at(n, c, i, d.c, d.s)] - mean[c]; v += t * t; }
            var[c] = v / d.m;
        }
        DataType t = input.dataType();
        INDArray meanA = Nd4j.create(mean, new long[]{d.c}, t), varA = Nd4j.create(var, new long[]{d.c}, t);
        return new INDArray[]{normalize(input, gamma, beta, mean, var, eps, d), meanA, varA};
    }

    @Override
    public INDArray batchNormInference(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormInference(input, gamma, beta, mean, var, eps);
        return normalize(input, gamma, beta, mean.toDoubleVector(), var.toDoubleVector(), eps, d);
    }

    private static INDArray normalize(INDArray input, INDArray gamma, INDArray beta, double[] mean, double[] var, double eps, BatchNormShape d) {
        double[] x = input.toDoubleVector(), ga = gamma.toDoubleVector(), be = beta.toDoubleVector();
        double[] y = new double[x.length];
        for (int n = 0; n < d.n; n++) {
            for (int c = 0; c < d.c; c++) {
                double inv = 1.0 / Math.sqrt(var[c] + eps);
                for (int i = 0; i < d.s; i++) {
                    int k = at(n, c, i, d.c, d.s);
                    y[k] = ga[c] * (x[k] - mean[c]) * inv + be[c];
                }
            }
        }
        return Nd4j.create(y, input.shape(), input.dataType());
    }

    @Override
    public INDArray[] batchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var, double eps) {
        BatchNormShape d = Checks.batchNormBackward(input, gradOut, gamma, mean, var, eps);
        double[] x = input.toDoubleVector(), gy = gradOut.toDoubleVector(), ga = gamma.toDoubleVector();
        double[] mu = mean.toDoubleVector(), va = var.toDoubleVector();
        double[] gx = new double[x.length], gGamma = new double[d.c], gBeta = new double[d.c];
        for (int c = 0; c < d.c; c++) {
            double inv = 1.0 / Math.sqrt(va[c] + eps);
            for (int n = 0; n < d.n; n++) {
                for (int i = 0; i < d.s; i++) {
                    int k = at(n, c, i, d.c, d.s);
                    gBeta[c] += gy[k];
                    gGamma[c] += gy[k] * (x[k] - mu[c]) * inv;
                }
            }
            // dx = gamma * inv / m * (m * dy - sum(dy) - xhat * sum(dy * xhat))
            for (int n = 0; n < d.n; n++) {
                for (int i = 0; i < d.s; i++) {
                    int k = at(n, c, i, d.c, d.s);
                    double xhat = (x[k] - mu[c]) * inv;
                    gx[k] = ga[c] * inv / d.m * (d.m * gy[k] - gBeta[c] - xhat * gGamma[c]);
                }
            }
        }
        DataType t = input.dataType();
        return new INDArray[]{Nd4j.create(gx, input.shape(), t), Nd4j.create(gGamma, new long[]{d.c}, t), Nd4j.create(gBeta, new long[]{d.c}, t)};
    }

    // ---------------------------------------------------------------- activations

    @Override
    public INDArray activate(Activation f, INDArray x) { return activate(ActivationSpec.of(f), x); }

    @Override
    public INDArray activate(ActivationSpec f, INDArray x) { return activateOnHost(f, x); }

    /** y = f(x) in plain Java: what every backend falls back to for activations it has no kernel for. */
    public static INDArray activateOnHost(ActivationSpec f, INDArray x) {
        Checks.shapeOf(x, "activation input");
        if (f.kind() == Activation.SOFTMAX) return softmax(x);
        double[] v = x.toDoubleVector();
        for (int i = 0; i < v.length; i++) v[i] = scalar(f, v[i]);
        return Nd4j.create(v, x.shape(), x.dataType());
    }

    private static double scalar(ActivationSpec spec, double v) {
        switch (spec.kind()) {
            case IDENTITY: return v;
            case RELU: return v > 0 ? v : 0;
            case RELU6: return Math.min(Math.max(v, 0), 6);
            case LEAKYRELU: return v > 0 ? v : spec.alpha() * v;
            case SIGMOID: return 1 / (1 + Math.exp(-v));
            case TANH: return Math.tanh(v);
            case HARDSIGMOID: return Math.min(1, Math.max(0, spec.alpha() * v + spec.beta()));
            case HARDSWISH: return v * Math.min(Math.max(v + 3, 0), 6) / 6;
            case SWISH: return v / (1 + Math.exp(-v));
            default: throw new IllegalArgumentException("no elementwise form for " + spec);
        }
    }

    @Override
    public INDArray channelScale(INDArray x, INDArray s) { return channelScaleOnHost(x, s); }

    /** {@link org.pydl4j.nd.backend.Backend#channelScale} in plain Java. */
    public static INDArray channelScaleOnHost(INDArray x, INDArray s) {
        Checks.channelScale(x, s);
        double[] xv = x.toDoubleVector(), sv = s.toDoubleVector();
        int plane = (int) (x.size(2) * x.size(3));
        for (int nc = 0; nc < sv.length; nc++) {
            for (int i = nc * plane, end = i + plane; i < end; i++) xv[i] *= sv[nc];   // [N, C, H, W]: one plane per (n, c)
        }
        return Nd4j.create(xv, x.shape(), x.dataType());
    }

    private static INDArray softmax(INDArray x) {
        Checks.rank(x, 2, "softmax input");
        int rows = (int) x.size(0), cols = (int) x.size(1);
        double[] v = x.toDoubleVector();
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, v[r * cols + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) { v[r * cols + c] = Math.exp(v[r * cols + c] - max); sum += v[r * cols + c]; }
            for (int c = 0; c < cols; c++) v[r * cols + c] /= sum;
        }
        return Nd4j.create(v, x.shape(), x.dataType());
    }

    @Override
    public INDArray activateBackward(Activation f, INDArray x, INDArray y, INDArray gradOut) {
        return activateBackward(ActivationSpec.of(f), x, y, gradOut);
    }

    @Override
    public INDArray activateBackward(ActivationSpec f, INDArray x, INDArray y, INDArray gradOut) { return activateBackwardOnHost(f, x, y, gradOut); }

    /** The gradient of {@link #activateOnHost} with respect to x. */
    public static INDArray activateBackwardOnHost(ActivationSpec f, INDArray x, INDArray y, INDArray gradOut) {
        Checks.shapeOf(x, "activation input");
        Checks.shape(y, x.shape(), "activation output");
        Checks.shape(gradOut, x.shape(), "activateBackward gradOut");
        double[] xv = x.toDoubleVector(), yv = y.toDoubleVector(), g = gradOut.toDoubleVector();
        double[] gx = new double[g.length];
        if (f.kind() == Activation.SOFTMAX) {
            Checks.rank(x, 2, "softmax input");
            int rows = (int) x.size(0), cols = (int) x.size(1);
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int c = 0; c < cols; c++) dot += g[r * cols + c] * yv[r * cols + c];
                for (int c = 0; c < cols; c++) gx[r * cols + c] = yv[r * cols + c] * (g[r * cols + c] - dot);
            }
        } else {
            for (int i = 0; i < g.length; i++) gx[i] = g[i] * derivative(f, xv[i], yv[i]);
        }
        return Nd4j.create(gx, x.shape(), x.dataType());
    }

    private static double derivative(ActivationSpec spec, double x, double y) {
        switch (spec.kind()) {
            case IDENTITY: return 1;
            case RELU: return x > 0 ? 1 : 0;
            case RELU6: return x > 0 && x < 6 ? 1 : 0;
            case LEAKYRELU: return x > 0 ? 1 : spec.alpha();
            case SIGMOID: return y * (1 - y);
            case TANH: return 1 - y * y;
            case HARDSIGMOID: {
                double t = spec.alpha() * x + spec.beta();
                return t > 0 && t < 1 ? spec.alpha() : 0;
            }
            case HARDSWISH: return x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6;
            case SWISH: {
                double s = 1 / (1 + Math.exp(-x));
                return s + x * s * (1 - s);
            }
            default: throw new IllegalArgumentException("no elementwise derivative for " + spec);
        }
    }
}
