package org.pydl4j.nn.layers.convolution;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.layers.PreActivationLayer;
import org.pydl4j.nn.conf.layers.SeparableConvolution2D;

/**
 * Separable convolution on the host (reference path): a depthwise step d[n, c*M + m] = W[m, c] (*) x[n, c] with the
 * layer's geometry, then a 1x1 pointwise step z[n, o] = sum_q pW[o, q] * d[n, q] + b[o].
 */
public class SeparableConvolution2DLayer extends PreActivationLayer<SeparableConvolution2D> {
    private INDArray depthwise;   // d, kept for the pointwise weight gradient

    public SeparableConvolution2DLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        requireRank(in, 4, "[minibatch, channels, height, width]");
        if (in.size(1) != layerConf.getNIn()) throw new IllegalArgumentException(describe() + ": nIn=" + layerConf.getNIn() + " but input has " + in.size(1) + " channels");
    }

    private interface Tap { void at(int in, int weight, int out); }

    /** Every multiply-add of the depthwise step: visit(inIndex, weightIndex in W, index in d). */
    private void forEachDepthwiseTap(long[] s, ConvParams p, long oh, long ow, Tap visit) {
        long n = s[0], c = s[1], h = s[2], w = s[3];
        int mult = layerConf.getDepthMultiplier();
        for (long b = 0; b < n; b++) for (long ch = 0; ch < c; ch++) for (int m = 0; m < mult; m++) {
            long q = ch * mult + m;
            for (long y = 0; y < oh; y++) for (long x = 0; x < ow; x++) {
                int out = (int) (((b * c * mult + q) * oh + y) * ow + x);
                for (int ky = 0; ky < p.kH; ky++) {
                    long iy = y * p.sH - p.padTop + (long) ky * p.dH;
                    if (iy < 0 || iy >= h) continue;
                    for (int kx = 0; kx < p.kW; kx++) {
                        long ix = x * p.sW - p.padLeft + (long) kx * p.dW;
                        if (ix < 0 || ix >= w) continue;
                        visit.at((int) (((b * c + ch) * h + iy) * w + ix), (int) (((m * c + ch) * p.kH + ky) * p.kW + kx), out);
                    }
                }
            }
        }
    }

    @Override
    protected INDArray preOutput(INDArray x) {
        ConvParams p = layerConf.convParams(x.size(2), x.size(3));
        long oh = p.outH(x.size(2)), ow = p.outW(x.size(3)), q = x.size(1) * layerConf.getDepthMultiplier(), co = layerConf.getNOut();
        INDArray w = params.get("W");
        INDArray d = Nd4j.zeros(x.dataType(), x.size(0), q, oh, ow);
        forEachDepthwiseTap(x.shape(), p, oh, ow, (in, wi, out) -> d.putLinear(out, d.getDoubleLinear(out) + w.getDoubleLinear(wi) * x.getDoubleLinear(in)));
        depthwise = d;
        INDArray pw = params.get("pW");
        INDArray b = layerConf.hasBias() ? params.get("b") : null;
        INDArray z = Nd4j.createUninitialized(x.dataType(), x.size(0), co, oh, ow);
        long plane = oh * ow;
        for (long n = 0; n < x.size(0); n++) for (long o = 0; o < co; o++) for (long i = 0; i < plane; i++) {
            double s = b == null ? 0 : b.getDoubleLinear((int) o);
            for (long k = 0; k < q; k++) s += pw.getDoubleLinear((int) (o * q + k)) * d.getDoubleLinear((int) ((n * q + k) * plane + i));
            z.putLinear((int) ((n * co + o) * plane + i), s);
        }
        return z;
    }

    @Override
    protected INDArray backpropPreOutput(INDArray dz, boolean needInputGradient) {
        ConvParams p = layerConf.convParams(input.size(2), input.size(3));
        long n = input.size(0), oh = p.outH(input.size(2)), ow = p.outW(input.size(3)), plane = oh * ow;
        long q = input.size(1) * layerConf.getDepthMultiplier(), co = layerConf.getNOut();
        INDArray pw = params.get("pW"), w = params.get("W");
        INDArray dd = Nd4j.zeros(dz.dataType(), n, q, oh, ow);   // d(loss)/d(depthwise output)
        for (long b = 0; b < n; b++) for (long k = 0; k < q; k++) for (long i = 0; i < plane; i++) {
            double s = 0;
            for (long o = 0; o < co; o++) s += pw.getDoubleLinear((int) (o * q + k)) * dz.getDoubleLinear((int) ((b * co + o) * plane + i));
            dd.putLinear((int) ((b * q + k) * plane + i), s);
        }
        if (!gradients.isEmpty()) {
            INDArray dpw = gradients.get("pW"), dw = gradients.get("W");
            for (long o = 0; o < co; o++) for (long k = 0; k < q; k++) {
                double s = 0;
                for (long b = 0; b < n; b++) for (long i = 0; i < plane; i++) {
                    s += dz.getDoubleLinear((int) ((b * co + o) * plane + i)) * depthwise.getDoubleLinear((int) ((b * q + k) * plane + i));
                }
                dpw.putLinear((int) (o * q + k), s);
            }
            if (layerConf.hasBias()) {
                INDArray db = gradients.get("b");
                for (long o = 0; o < co; o++) {
                    double s = 0;
                    for (long b = 0; b < n; b++) for (long i = 0; i < plane; i++) s += dz.getDoubleLinear((int) ((b * co + o) * plane + i));
                    db.putLinear((int) o, s);
                }
            }
            dw.assign(0);
            forEachDepthwiseTap(input.shape(), p, oh, ow, (in, wi, out) -> dw.putLinear(wi, dw.getDoubleLinear(wi) + input.getDoubleLinear(in) * dd.getDoubleLinear(out)));
        }
        if (!needInputGradient) return null;
        INDArray dx = Nd4j.zeros(dz.dataType(), input.shape());
        forEachDepthwiseTap(input.shape(), p, oh, ow, (in, wi, out) -> dx.putLinear(in, dx.getDoubleLinear(in) + w.getDoubleLinear(wi) * dd.getDoubleLinear(out)));
        return dx;
    }

    @Override
    public void clear() {
        super.clear();
        depthwise = null;
    }
}
