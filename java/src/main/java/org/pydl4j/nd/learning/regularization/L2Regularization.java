package org.pydl4j.nd.learning.regularization;

import org.pydl4j.nn.conf.layers.BaseLayer;

/** L2 on the parameters (DL4J's {@code L2Regularization}): gradient += l2 * w, score += 0.5 * l2 * sum(w^2). */
public record L2Regularization(double l2) implements Regularization {
    public L2Regularization {
        BaseLayer.checkCoefficient("L2Regularization", l2);
    }

    @Override public ApplyStep applyStep() { return ApplyStep.BEFORE_UPDATER; }
    @Override public double coefficient() { return l2; }
}
