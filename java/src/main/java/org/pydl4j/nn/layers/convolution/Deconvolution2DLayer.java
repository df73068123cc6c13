package org.pydl4j.nn.layers.convolution;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.layers.PreActivationLayer;
import org.pydl4j.nn.conf.layers.Deconvolution2D;

/**
 * Transposed convolution on the host (reference path): out[n, o, y*s - p + ky, x*s - p + kx] += W[i, o, ky, kx] *
 * in[n, i, y, x], plus b[o]. Backward reads the same index map the other way.
 */
public class Deconvolution2DLayer extends PreActivationLayer<Deconvolution2D> {
    public Deconvolution2DLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        requireRank(in, 4, "[minibatch, channels, height, width]");
        if (in.size(1) != layerConf.getNIn()) throw new IllegalArgumentException(describe() + ": nIn=" + layerConf.getNIn() + " but input has " + in.size(1) + " channels");
    }

    /** Calls visit(inIndex, weightIndex, outIndex) for every multiply-add of the layer. */
    private void forEachTap(long[] inShape, long oh, long ow, long ph, long pw, Tap visit) {
        int[] k = layerConf.getKernelSize(), s = layerConf.getStride();
        long n = inShape[0], ci = inShape[1], h = inShape[2], w = inShape[3], co = layerConf.getNOut();
        for (long b = 0; b < n; b++) for (long i = 0; i < ci; i++) for (long y = 0; y < h; y++) for (long x = 0; x < w; x++) {
            int in = (int) (((b * ci + i) * h + y) * w + x);
            for (long o = 0; o < co; o++) for (int ky = 0; ky < k[0]; ky++) {
                long oy = y * s[0] - ph + ky;
                if (oy < 0 || oy >= oh) continue;
                for (int kx = 0; kx < k[1]; kx++) {
                    long ox = x * s[1] - pw + kx;
                    if (ox < 0 || ox >= ow) continue;
                    visit.at(in, (int) (((i * co + o) * k[0] + ky) * k[1] + kx), (int) (((b * co + o) * oh + oy) * ow + ox));
                }
            }
        }
    }

    private interface Tap { void at(int in, int weight, int out); }

    private long[] geometry(INDArray x) {
        long[] h = layerConf.outAndPadBefore(x.size(2), 0), w = layerConf.outAndPadBefore(x.size(3), 1);
        return new long[]{h[0], w[0], h[1], w[1]};
    }

    @Override
    protected INDArray preOutput(INDArray x) {
        long[] g = geometry(x);
        long co = layerConf.getNOut(), plane = g[0] * g[1];
        INDArray z = Nd4j.zeros(x.dataType(), x.size(0), co, g[0], g[1]);
        INDArray w = params.get("W");
        forEachTap(x.shape(), g[0], g[1], g[2], g[3], (in, wi, out) -> z.putLinear(out, z.getDoubleLinear(out) + w.getDoubleLinear(wi) * x.getDoubleLinear(in)));
        if (layerConf.hasBias()) {
            INDArray b = params.get("b");
            for (long i = 0; i < z.length(); i++) z.putLinear((int) i, z.getDoubleLinear((int) i) + b.getDoubleLinear((int) ((i / plane) % co)));
        }
        return z;
    }

    @Override
    protected INDArray backpropPreOutput(INDArray dz, boolean needInputGradient) {
        long[] g = geometry(input);
        INDArray w = params.get("W");
        if (!gradients.isEmpty()) {
            INDArray dw = gradients.get("W");
            dw.assign(0);
            forEachTap(input.shape(), g[0], g[1], g[2], g[3], (in, wi, out) -> dw.putLinear(wi, dw.getDoubleLinear(wi) + input.getDoubleLinear(in) * dz.getDoubleLinear(out)));
            if (layerConf.hasBias()) {
                INDArray db = gradients.get("b");
                long co = layerConf.getNOut(), plane = g[0] * g[1];
                double[] sums = new double[(int) co];
                for (long i = 0; i < dz.length(); i++) sums[(int) ((i / plane) % co)] += dz.getDoubleLinear((int) i);
                for (int o = 0; o < co; o++) db.putLinear(o, sums[o]);
            }
        }
        if (!needInputGradient) return null;
        INDArray dx = Nd4j.zeros(dz.dataType(), input.shape());
        forEachTap(input.shape(), g[0], g[1], g[2], g[3], (in, wi, out) -> dx.putLinear(in, dx.getDoubleLinear(in) + w.getDoubleLinear(wi) * dz.getDoubleLinear(out)));
        return dx;
    }
}
