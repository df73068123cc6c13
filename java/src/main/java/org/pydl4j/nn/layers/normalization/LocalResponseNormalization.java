package org.pydl4j.nn.layers.normalization;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.layers.AbstractLayer;

/**
 * Cross-channel LRN. With s_c = k + alpha * sum_{j in W(c)} x_j^2 and y_c = x_c * s_c^-beta:
 * dL/dx_i = g_i * s_i^-beta - 2 * alpha * beta * x_i * sum_{c : i in W(c)} g_c * x_c * s_c^(-beta-1).
 */
public class LocalResponseNormalization extends AbstractLayer<org.pydl4j.nn.conf.layers.LocalResponseNormalization> {
    private INDArray scale;   // s, kept for backprop

    public LocalResponseNormalization(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) { requireRank(in, 4, "[minibatch, channels, height, width]"); }

    private int half() { return (int) Math.floor(layerConf.getN() / 2); }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        long n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        double k = layerConf.getK(), alpha = layerConf.getAlpha(), beta = layerConf.getBeta();
        int half = half();
        scale = Nd4j.createUninitialized(x.dataType(), x.shape());
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        for (long i = 0; i < n; i++) for (long ch = 0; ch < c; ch++) for (long p = 0; p < hw; p++) {
            double sum = 0;
            for (long j = Math.max(0, ch - half); j <= Math.min(c - 1, ch + half); j++) {
                double v = x.getDoubleLinear((int) ((i * c + j) * hw + p));
                sum += v * v;
            }
            int at = (int) ((i * c + ch) * hw + p);
            double s = k + alpha * sum;
            scale.putLinear(at, s);
            out.putLinear(at, x.getDoubleLinear(at) * Math.pow(s, -beta));
        }
        return out;
    }

    @Override
    protected INDArray doBackprop(INDArray g, boolean needInputGradient) {
        if (!needInputGradient) return null;
        INDArray x = input;
        long n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        double alpha = layerConf.getAlpha(), beta = layerConf.getBeta();
        int half = half();
        INDArray dx = Nd4j.createUninitialized(g.dataType(), x.shape());
        for (long i = 0; i < n; i++) for (long ch = 0; ch < c; ch++) for (long p = 0; p < hw; p++) {
            int at = (int) ((i * c + ch) * hw + p);
            double acc = 0;
            for (long q = Math.max(0, ch - half); q <= Math.min(c - 1, ch + half); q++) {   // channels whose window holds ch
                int aq = (int) ((i * c + q) * hw + p);
                acc += g.getDoubleLinear(aq) * x.getDoubleLinear(aq) * Math.pow(scale.getDoubleLinear(aq), -beta - 1);
            }
            dx.putLinear(at, g.getDoubleLinear(at) * Math.pow(scale.getDoubleLinear(at), -beta) - 2 * alpha * beta * x.getDoubleLinear(at) * acc);
        }
        return dx;
    }

    @Override
    public void clear() {
        super.clear();
        scale = null;
    }
}
