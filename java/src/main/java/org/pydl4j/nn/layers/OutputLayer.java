package org.pydl4j.nn.layers;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.lossfunctions.ILossFunction;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/**
 * Runtime output layer: dense forward plus a loss. With labels set, backprop starts from the loss gradient
 * (averaged over the minibatch) and ignores the incoming epsilon.
 */
public class OutputLayer extends DenseLayer {
    protected INDArray labels;

    public OutputLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    private org.pydl4j.nn.conf.layers.BaseOutputLayer outConf() { return (org.pydl4j.nn.conf.layers.BaseOutputLayer) layerConf; }

    public void setLabels(INDArray labels) {
        if (labels != null && (labels.rank() != 2 || labels.size(1) != layerConf.getNOut())) {
            throw new IllegalArgumentException(describe() + ": labels of shape " + Arrays.toString(labels.shape())
                    + " do not match the output [minibatch, " + layerConf.getNOut() + "]");
        }
        this.labels = labels;
    }

    public INDArray getLabels() { return labels; }

    public ILossFunction getLossFunction() { return outConf().getLossFn(); }

    /** Loss averaged over the minibatch for the last forward pass and the set labels (no regularization). */
    public double computeScore() {
        requireLabels();
        score = getLossFunction().computeScore(labels, preOutput, layerConf.getActivationFn(), true);
        return score;
    }

    /** Loss per example, [minibatch]. */
    public INDArray computeScoreForExamples() {
        requireLabels();
        return getLossFunction().computeScoreArray(labels, preOutput, layerConf.getActivationFn());
    }

    private void requireLabels() {
        if (labels == null) throw new IllegalStateException(describe() + ": no labels set");
        if (preOutput == null) throw new IllegalStateException(describe() + ": no forward pass");
        if (labels.size(0) != preOutput.size(0)) {
            throw new IllegalArgumentException(describe() + ": " + labels.size(0) + " label rows for " + preOutput.size(0) + " examples");
        }
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (labels == null) return super.doBackprop(epsilon, needInputGradient);
        requireLabels();
        INDArray dz = getLossFunction().computeGradient(labels, preOutput, layerConf.getActivationFn());
        dz.divi(labels.size(0));
        return backpropPreOutput(dz, needInputGradient);
    }
}
