package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/**
 * Runtime activation layer. In a training pass where the batch norm before it applied this activation already
 * ({@link #setAppliedUpstream}, set by the graph's training fusion), it passes its input and epsilon through.
 */
public class ActivationLayer extends AbstractLayer<org.pydl4j.nn.conf.layers.ActivationLayer> {
    protected INDArray output;
    private boolean appliedUpstream, passedThrough;

    public ActivationLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        if (layerConf.getActivation() == Activation.SOFTMAX) requireRank(in, 2, "[minibatch, classes] for SOFTMAX");
    }

    /**
     * With true, training passes take the input as already activated (by the batch norm that absorbed this
     * activation, BatchNormalization.absorbActivation) and pass it and the epsilon through; inference passes
     * are unchanged. Not for a layer with dropout (it would apply to the activated values).
     */
    public void setAppliedUpstream(boolean applied) {
        if (applied && layerConf.getDropOut() != null && layerConf.getDropOut() < 1.0) {
            throw new IllegalArgumentException(describe() + ": has dropout, cannot take an activated input");
        }
        appliedUpstream = applied;
    }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        passedThrough = training && appliedUpstream;
        output = passedThrough ? x : Nd4j.getBackend().activate(layerConf.getActivationSpec(), x);
        return output;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!needInputGradient) return null;
        if (passedThrough) return epsilon;
        return Nd4j.getBackend().activateBackward(layerConf.getActivationSpec(), input, output, epsilon);
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
        passedThrough = false;
    }
}
