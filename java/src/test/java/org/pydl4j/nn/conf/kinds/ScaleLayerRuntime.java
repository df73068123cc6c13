package org.pydl4j.nn.conf.kinds;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.layers.AbstractLayer;

/** Runtime of the test-only {@link ScaleLayer}: y = x * s (row vector s broadcast over the minibatch). */
public class ScaleLayerRuntime extends AbstractLayer<ScaleLayer> {
    public ScaleLayerRuntime(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) { requireRank(in, 2, "[minibatch, " + layerConf.getN() + "]"); }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) { return x.mul(params.get("s")); }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!gradients.isEmpty()) gradients.get("s").assign(epsilon.mul(input).sum(0).reshape(1, layerConf.getN()));
        return needInputGradient ? epsilon.mul(params.get("s")) : null;
    }
}
