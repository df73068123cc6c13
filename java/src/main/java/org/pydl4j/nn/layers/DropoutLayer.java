package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/** Runtime dropout layer: the input dropout of AbstractLayer, then identity. */
public class DropoutLayer extends AbstractLayer<org.pydl4j.nn.conf.layers.DropoutLayer> {
    public DropoutLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override protected void validateInput(INDArray in) {}
    @Override protected INDArray doActivate(INDArray x, boolean training) { return x; }
    @Override protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) { return needInputGradient ? epsilon : null; }
}
