package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/** Runtime activation layer. */
public class ActivationLayer extends AbstractLayer<org.pydl4j.nn.conf.layers.ActivationLayer> {
    protected INDArray output;

    public ActivationLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        if (layerConf.getActivation() == Activation.SOFTMAX) requireRank(in, 2, "[minibatch, classes] for SOFTMAX");
    }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        output = Nd4j.getBackend().activate(layerConf.getActivationSpec(), x);
        return output;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!needInputGradient) return null;
        return Nd4j.getBackend().activateBackward(layerConf.getActivationSpec(), input, output, epsilon);
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
    }
}
