package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.lossfunctions.ILossFunction;
import org.pydl4j.util.json.JsonType;

/**
 * Cosine proximity, as ND4J's LossCosineProximity: {@code -(y . p) / (|y| |p|)} per example (norms floored at
 * 1e-12 so a zero row scores 0 instead of NaN).
 */
public class LossCosineProximity implements ILossFunction {
    /** The saved fields (see JsonType). */
    public static final JsonType<LossCosineProximity> JSON = JsonType.declare(LossCosineProximity.class, LossCosineProximity::new)
            .named("loss.CosineProximity")
            .build();

    private static final double FLOOR = 1e-12;

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, Activation activation) {
        LossMCXENT.checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        INDArray res = Nd4j.zeros(preOutput.dataType(), n);
        for (int i = 0; i < n; i++) {
            double dot = 0, yy = 0, pp = 0;
            for (int j = 0; j < k; j++) {
                double y = labels.getDoubleLinear(i * k + j), p = out.getDoubleLinear(i * k + j);
                dot += y * p; yy += y * y; pp += p * p;
            }
            res.putLinear(i, -dot / (Math.max(Math.sqrt(yy), FLOOR) * Math.max(Math.sqrt(pp), FLOOR)));
        }
        return res;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, Activation activation) {
        LossMCXENT.checkShapes(labels, preOutput);
        INDArray out = Nd4j.getBackend().activate(activation, preOutput);
        int n = (int) labels.size(0), k = (int) (labels.length() / Math.max(1, n));
        INDArray dLdOut = Nd4j.createUninitialized(out.dataType(), out.shape());
        for (int i = 0; i < n; i++) {
            double dot = 0, yy = 0, pp = 0;
            for (int j = 0; j < k; j++) {
                double y = labels.getDoubleLinear(i * k + j), p = out.getDoubleLinear(i * k + j);
                dot += y * p; yy += y * y; pp += p * p;
            }
            double ny = Math.max(Math.sqrt(yy), FLOOR), np = Math.max(Math.sqrt(pp), FLOOR);
            for (int j = 0; j < k; j++) {
                double y = labels.getDoubleLinear(i * k + j), p = out.getDoubleLinear(i * k + j);
                // d/dp of -(y.p)/(|y||p|) = -y/(|y||p|) + (y.p) p / (|y| |p|^3)
                dLdOut.putLinear(i * k + j, -y / (ny * np) + dot * p / (ny * np * np * np));
            }
        }
        return Nd4j.getBackend().activateBackward(activation, preOutput, out, dLdOut);
    }

    @Override
    public String name() { return "LossCosineProximity()"; }

    @Override
    public String toString() { return name(); }

    /** Value semantics over the declared (saved) fields. */
    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }
}
