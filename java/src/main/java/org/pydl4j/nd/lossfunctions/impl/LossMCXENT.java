package org.pydl4j.nd.lossfunctions.impl;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE_ARRAY;

import java.util.Arrays;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.lossfunctions.ILossFunction;
import org.pydl4j.util.json.JsonType;

/**
 * Multi-class cross entropy, as ND4J's LossMCXENT: -sum(w * labels * log(output)) per example, with optional
 * per-class weights w ({@code new LossMCXENT(weights)}, a [nOut] or [1, nOut] array; all ones when absent) for
 * imbalanced classes. Output probabilities are clipped to [1e-10, 1] inside the log. With SOFTMAX the gradient with
 * respect to the pre-activation is {@code output * sum(w * labels) - w * labels} per example, which is
 * {@code output - labels} without weights (labels summing to one per example, as also soft or smoothed labels do).
 */
public class LossMCXENT implements ILossFunction {
    /** The saved fields (see JsonType). */
    public static final JsonType<LossMCXENT> JSON = JsonType.declare(LossMCXENT.class, LossMCXENT::new)
            .named("loss.MCXENT")
            .field("weights", DOUBLE_ARRAY, o -> o.weights, (o, v) -> o.weights = v)
            .build();

    public static final double DEFAULT_SOFTMAX_CLIPPING_EPSILON = 1e-10;

    /** Per-class weights, null for none (kept as plain values so a saved configuration holds them). */
    private double[] weights;

    public LossMCXENT() {}

    /** Weighted cross entropy: weights, one per class, finite and >= 0. */
    public LossMCXENT(INDArray weights) {
        if (weights == null) return;
        if (weights.rank() > 2 || (weights.rank() == 2 && weights.size(0) != 1)) {
            throw new IllegalArgumentException("LossMCXENT: weights must be a row vector [nOut] or [1, nOut], got shape " + Arrays.toString(weights.shape()));
        }
        double[] w = new double[(int) weights.length()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.getDoubleLinear(i);
            if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
                throw new IllegalArgumentException("LossMCXENT: class weight " + i + " is " + w[i] + "; weights must be finite and >= 0");
            }
        }
        this.weights = w;
    }

    /** The per-class weights as a [1, nOut] array, or null. */
    public INDArray getWeights() {
        return weights == null ? null : Nd4j.create(weights.clone(), new long[]{1, weights.length}, DataType.DOUBLE);
    }

    protected static void checkShapes(INDArray labels, INDArray preOutput) {
        if (!Arrays.equals(labels.shape(), preOutput.shape())) {
            throw new IllegalArgumentException("labels of shape " + Arrays.toString(labels.shape())
                    + " do not match network output of shape " + Arrays.toString(preOutput.shape()));
        }
    }

    private void checkWeights(int k) {
        if (weights != null && weights.length != k) {
            throw new IllegalArgumentException("LossMCXENT: " + weights.length + " class weights for a network output of " + k + " classes");
        }
    }

    private double weight(int j) { return weights == null ? 1.0 : weights[j]; }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, Activation activation) {
        checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        checkWeights(k);
        INDArray res = Nd4j.zeros(preOutput.dataType(), n);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                double y = labels.getDoubleLinear(i * k + j);
                if (y != 0) s -= weight(j) * y * Math.log(Math.max(out.getDoubleLinear(i * k + j), DEFAULT_SOFTMAX_CLIPPING_EPSILON));
            }
            res.putLinear(i, s);
        }
        return res;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, Activation activation) {
        checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        checkWeights(k);
        if (activation == Activation.SOFTMAX) {
            if (weights == null) return out.sub(labels.castTo(out.dataType()));
            INDArray grad = Nd4j.createUninitialized(out.dataType(), out.shape());
            for (int i = 0; i < n; i++) {
                double wy = 0;
                for (int j = 0; j < k; j++) wy += weights[j] * labels.getDoubleLinear(i * k + j);
                for (int j = 0; j < k; j++) {
                    int at = i * k + j;
                    grad.putLinear(at, out.getDoubleLinear(at) * wy - weights[j] * labels.getDoubleLinear(at));
                }
            }
            return grad;
        }
        INDArray dLdOut = Nd4j.createUninitialized(out.dataType(), out.shape());
        for (int i = 0; i < out.length(); i++) {
            dLdOut.putLinear(i, -weight((int) (i % k)) * labels.getDoubleLinear(i) / Math.max(out.getDoubleLinear(i), DEFAULT_SOFTMAX_CLIPPING_EPSILON));
        }
        return Nd4j.getBackend().activateBackward(activation, preOutput, out, dLdOut);
    }

    @Override
    public String name() { return weights == null ? "LossMCXENT()" : "LossMCXENT(weights=" + Arrays.toString(weights) + ")"; }

    @Override
    public String toString() { return name(); }

    /** Value semantics over the declared (saved) fields. */
    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }
}
