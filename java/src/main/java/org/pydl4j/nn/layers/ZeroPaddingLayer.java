package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/** Runtime zero padding of the spatial dimensions; backprop crops the gradient. */
public class ZeroPaddingLayer extends AbstractLayer<org.pydl4j.nn.conf.layers.ZeroPaddingLayer> {
    public ZeroPaddingLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) { requireRank(in, 4, "[minibatch, channels, height, width]"); }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        int[] p = layerConf.getPadding();
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        long oh = h + p[0] + p[1], ow = w + p[2] + p[3];
        INDArray out = Nd4j.zeros(x.dataType(), n, c, oh, ow);
        for (long nc = 0; nc < n * c; nc++) {
            for (long i = 0; i < h; i++) {
                long src = (nc * h + i) * w, dst = (nc * oh + i + p[0]) * ow + p[2];
                for (long j = 0; j < w; j++) out.putLinear((int) (dst + j), x.getDoubleLinear((int) (src + j)));
            }
        }
        return out;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!needInputGradient) return null;
        int[] p = layerConf.getPadding();
        long n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
        long oh = h + p[0] + p[1], ow = w + p[2] + p[3];
        INDArray dx = Nd4j.createUninitialized(epsilon.dataType(), n, c, h, w);
        for (long nc = 0; nc < n * c; nc++) {
            for (long i = 0; i < h; i++) {
                long dst = (nc * h + i) * w, src = (nc * oh + i + p[0]) * ow + p[2];
                for (long j = 0; j < w; j++) dx.putLinear((int) (dst + j), epsilon.getDoubleLinear((int) (src + j)));
            }
        }
        return dx;
    }
}
