package org.pydl4j.nn.layers.convolution;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.Upsampling2D;
import org.pydl4j.nn.layers.AbstractLayer;

/** Nearest-neighbour upsampling: out(y, x) = in(y / sH, x / sW); backprop sums each sH x sW block. */
public class Upsampling2DLayer extends AbstractLayer<Upsampling2D> {
    public Upsampling2DLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) { requireRank(in, 4, "[minibatch, channels, height, width]"); }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        int[] s = layerConf.getSize();
        long nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3), oh = h * s[0], ow = w * s[1];
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), x.size(1), oh, ow);
        for (long p = 0; p < nc; p++) {
            for (long y = 0; y < oh; y++) {
                for (long xx = 0; xx < ow; xx++) out.putLinear((int) ((p * oh + y) * ow + xx), x.getDoubleLinear((int) ((p * h + y / s[0]) * w + xx / s[1])));
            }
        }
        return out;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!needInputGradient) return null;
        int[] s = layerConf.getSize();
        long nc = input.size(0) * input.size(1), h = input.size(2), w = input.size(3), oh = h * s[0], ow = w * s[1];
        INDArray dx = Nd4j.zeros(epsilon.dataType(), input.shape());
        for (long p = 0; p < nc; p++) {
            for (long y = 0; y < oh; y++) {
                for (long xx = 0; xx < ow; xx++) {
                    int at = (int) ((p * h + y / s[0]) * w + xx / s[1]);
                    dx.putLinear(at, dx.getDoubleLinear(at) + epsilon.getDoubleLinear((int) ((p * oh + y) * ow + xx)));
                }
            }
        }
        return dx;
    }
}
