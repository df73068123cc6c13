package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.BaseLayer;

/** A layer computing z = preOutput(x), y = activation(z): the activation and its backward pass written once. */
public abstract class PreActivationLayer<C extends BaseLayer> extends AbstractLayer<C> {
    /** z and y of the last forward pass (kept for backprop). */
    protected INDArray preOutput, output;

    protected PreActivationLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    /** z for input x (parameters are read from {@link #params}). */
    protected abstract INDArray preOutput(INDArray x);

    /** Given d(loss)/dz: fills the parameter gradients (when there are gradient views) and returns d(loss)/dx if asked. */
    protected abstract INDArray backpropPreOutput(INDArray dz, boolean needInputGradient);

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        preOutput = preOutput(x);
        output = Nd4j.getBackend().activate(layerConf.getActivationSpec(), preOutput);
        return output;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        return backpropPreOutput(Nd4j.getBackend().activateBackward(layerConf.getActivationSpec(), preOutput, output, epsilon), needInputGradient);
    }

    @Override
    public void clear() {
        super.clear();
        preOutput = null;
        output = null;
    }
}
