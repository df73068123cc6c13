package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.PoolingType;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/** Runtime 2-d pooling. */
public class SubsamplingLayer extends AbstractLayer<org.pydl4j.nn.conf.layers.SubsamplingLayer> {
    protected ConvParams convParams;

    public SubsamplingLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    private PoolingType type() {
        return layerConf.getPoolingType() == org.pydl4j.nn.conf.layers.SubsamplingLayer.PoolingType.MAX ? PoolingType.MAX : PoolingType.AVG;
    }

    @Override
    protected void validateInput(INDArray in) { requireRank(in, 4, "[minibatch, channels, height, width]"); }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        convParams = layerConf.convParams(x.size(2), x.size(3));
        return Nd4j.getBackend().pool2d(x, type(), convParams);
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!needInputGradient) return null;
        return Nd4j.getBackend().pool2dBackward(input, epsilon, type(), convParams);
    }
}
