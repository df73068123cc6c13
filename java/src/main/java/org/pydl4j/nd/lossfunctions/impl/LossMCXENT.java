package org.pydl4j.nd.lossfunctions.impl;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.lossfunctions.ILossFunction;

/**
 * Multi-class cross entropy, as ND4J's LossMCXENT: -sum(labels * log(output)) per example. Output probabilities
 * are clipped to [1e-10, 1] inside the log. With SOFTMAX the gradient with respect to the pre-activation is
 * {@code output - labels} (labels summing to one per example).
 */
public class LossMCXENT implements ILossFunction {
    public static final double DEFAULT_SOFTMAX_CLIPPING_EPSILON = 1e-10;

    protected static void checkShapes(INDArray labels, INDArray preOutput) {
        if (!Arrays.equals(labels.shape(), preOutput.shape())) {
            throw new IllegalArgumentException("labels of shape " + Arrays.toString(labels.shape())
                    + " do not match network output of shape " + Arrays.toString(preOutput.shape()));
        }
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, Activation activation) {
        checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        INDArray res = Nd4j.zeros(preOutput.dataType(), n);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                double y = labels.getDoubleLinear(i * k + j);
                if (y != 0) s -= y * Math.log(Math.max(out.getDoubleLinear(i * k + j), DEFAULT_SOFTMAX_CLIPPING_EPSILON));
            }
            res.putLinear(i, s);
        }
        return res;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, Activation activation) {
        checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        if (activation == Activation.SOFTMAX) return out.sub(labels.castTo(out.dataType()));
        INDArray dLdOut = Nd4j.createUninitialized(out.dataType(), out.shape());
        for (int i = 0; i < out.length(); i++) {
            dLdOut.putLinear(i, -labels.getDoubleLinear(i) / Math.max(out.getDoubleLinear(i), DEFAULT_SOFTMAX_CLIPPING_EPSILON));
        }
        return Nd4j.getBackend().activateBackward(activation, preOutput, out, dLdOut);
    }

    @Override
    public String name() { return "LossMCXENT()"; }

    @Override
    public String toString() { return name(); }
}
