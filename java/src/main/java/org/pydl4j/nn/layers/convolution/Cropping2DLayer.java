package org.pydl4j.nn.layers.convolution;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.convolutional.Cropping2D;
import org.pydl4j.nn.layers.AbstractLayer;

/** Runtime cropping of the spatial dimensions; backprop pads the gradient with zeros. */
public class Cropping2DLayer extends AbstractLayer<Cropping2D> {
    public Cropping2DLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        requireRank(in, 4, "[minibatch, channels, height, width]");
        int[] c = layerConf.getCropping();
        if (in.size(2) - c[0] - c[1] < 1 || in.size(3) - c[2] - c[3] < 1) {
            throw new IllegalArgumentException(describe() + ": cropping {top,bottom,left,right} " + java.util.Arrays.toString(c)
                    + " leaves nothing of an input of " + in.size(2) + "x" + in.size(3));
        }
    }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        int[] c = layerConf.getCropping();
        long nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3), oh = h - c[0] - c[1], ow = w - c[2] - c[3];
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), x.size(1), oh, ow);
        for (long p = 0; p < nc; p++) {
            for (long y = 0; y < oh; y++) {
                for (long xx = 0; xx < ow; xx++) out.putLinear((int) ((p * oh + y) * ow + xx), x.getDoubleLinear((int) ((p * h + y + c[0]) * w + xx + c[2])));
            }
        }
        return out;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!needInputGradient) return null;
        int[] c = layerConf.getCropping();
        long nc = input.size(0) * input.size(1), h = input.size(2), w = input.size(3), oh = h - c[0] - c[1], ow = w - c[2] - c[3];
        INDArray dx = Nd4j.zeros(epsilon.dataType(), input.shape());
        for (long p = 0; p < nc; p++) {
            for (long y = 0; y < oh; y++) {
                for (long xx = 0; xx < ow; xx++) dx.putLinear((int) ((p * h + y + c[0]) * w + xx + c[2]), epsilon.getDoubleLinear((int) ((p * oh + y) * ow + xx)));
            }
        }
        return dx;
    }
}
