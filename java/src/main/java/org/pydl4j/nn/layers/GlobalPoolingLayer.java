package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.PoolingType;

/** Runtime global pooling: [N, C, H, W] -> [N, C] via a pooling window covering the whole map. */
public class GlobalPoolingLayer extends AbstractLayer<org.pydl4j.nn.conf.layers.GlobalPoolingLayer> {
    protected ConvParams convParams;

    public GlobalPoolingLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) { requireRank(in, 4, "[minibatch, channels, height, width]"); }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        int h = (int) x.size(2), w = (int) x.size(3);
        convParams = ConvParams.of(h, w, 1, 1, 0, 0);
        PoolingType t = layerConf.getPoolingType();
        INDArray pooled = Nd4j.getBackend().pool2d(x, t.toBackend(), convParams);
        if (t == PoolingType.SUM) pooled.muli((double) h * w);
        return pooled.reshape(x.size(0), x.size(1));
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!needInputGradient) return null;
        PoolingType t = layerConf.getPoolingType();
        INDArray eps = epsilon.reshape(input.size(0), input.size(1), 1, 1);
        if (t == PoolingType.SUM) eps = eps.mul((double) input.size(2) * input.size(3));
        return Nd4j.getBackend().pool2dBackward(input, eps, t.toBackend(), convParams);
    }
}
