package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.lossfunctions.ILossFunction;

/** Mean squared error, as ND4J's LossMSE: sum((output - labels)^2) / nOut per example. */
public class LossMSE implements ILossFunction {
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, Activation activation) {
        LossMCXENT.checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        INDArray res = Nd4j.zeros(preOutput.dataType(), n);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                double d = out.getDoubleLinear(i * k + j) - labels.getDoubleLinear(i * k + j);
                s += d * d;
            }
            res.putLinear(i, s / k);
        }
        return res;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, Activation activation) {
        LossMCXENT.checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        INDArray dLdOut = Nd4j.createUninitialized(out.dataType(), out.shape());
        for (int i = 0; i < out.length(); i++) dLdOut.putLinear(i, 2.0 * (out.getDoubleLinear(i) - labels.getDoubleLinear(i)) / k);
        return Nd4j.getBackend().activateBackward(activation, preOutput, out, dLdOut);
    }

    @Override
    public String name() { return "LossMSE()"; }

    @Override
    public String toString() { return name(); }
}
