package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.lossfunctions.ILossFunction;
import org.pydl4j.util.json.JsonType;

/**
 * A loss that is a sum over output units of {@code score(label, output)} per example (divided by nOut for the
 * "mean" losses). The gradient is {@code dScore/dOutput} element by element, taken back through the activation on
 * the current backend, so each loss states only its two formulas.
 */
public abstract class BaseElementwiseLoss implements ILossFunction {
    /** The saved fields (see JsonType). */
    public static final JsonType<BaseElementwiseLoss> JSON = JsonType.declareAbstract(BaseElementwiseLoss.class)
            .build();

    /** The loss of one output unit. */
    protected abstract double score(double label, double output);

    /** d score / d output of one unit. */
    protected abstract double gradient(double label, double output);

    /** True for the losses averaged over output units (MSE, MAE), false for plain sums. */
    protected boolean meanOverOutputs() { return false; }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, Activation activation) {
        LossMCXENT.checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        double div = meanOverOutputs() ? k : 1;
        INDArray res = Nd4j.zeros(preOutput.dataType(), n);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) s += score(labels.getDoubleLinear(i * k + j), out.getDoubleLinear(i * k + j));
            res.putLinear(i, s / div);
        }
        return res;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, Activation activation) {
        LossMCXENT.checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        double div = meanOverOutputs() ? k : 1;
        INDArray dLdOut = Nd4j.createUninitialized(out.dataType(), out.shape());
        for (int i = 0; i < out.length(); i++) dLdOut.putLinear(i, gradient(labels.getDoubleLinear(i), out.getDoubleLinear(i)) / div);
        return Nd4j.getBackend().activateBackward(activation, preOutput, out, dLdOut);
    }

    @Override
    public String name() { return getClass().getSimpleName() + "()"; }

    @Override
    public String toString() { return name(); }

    /** Value semantics over the declared (saved) fields. */
    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }
}
