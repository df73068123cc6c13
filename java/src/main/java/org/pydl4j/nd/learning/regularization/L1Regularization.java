package org.pydl4j.nd.learning.regularization;

import org.pydl4j.nn.conf.layers.BaseLayer;

/** L1 on the parameters (DL4J's {@code L1Regularization}): gradient += l1 * sign(w), score += l1 * sum|w|. */
public record L1Regularization(double l1) implements Regularization {
    public L1Regularization {
        BaseLayer.checkCoefficient("L1Regularization", l1);
    }

    @Override public ApplyStep applyStep() { return ApplyStep.BEFORE_UPDATER; }
    @Override public double coefficient() { return l1; }
}
