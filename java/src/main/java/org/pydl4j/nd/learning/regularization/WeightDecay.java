package org.pydl4j.nd.learning.regularization;

import org.pydl4j.nn.conf.layers.BaseLayer;

/**
 * Decoupled weight decay (DL4J's {@code WeightDecay}, AdamW-style): after the updater, update += coeff * lr * w,
 * so an adaptive updater never rescales it. Unlike DL4J, the network's score leaves out a decay term
 * (0.5 * coeff * sum(w^2) over millions of fine-tuned weights would drown the loss the job reports and watches).
 * Only {@code applyLR = true} (DL4J's default and the AdamW form) is implemented: {@code applyLR = false} is refused
 * rather than silently scaled by the learning rate.
 */
public record WeightDecay(double coeff, boolean applyLR) implements Regularization {
    public WeightDecay {
        BaseLayer.checkWeightDecay(coeff);
        if (!applyLR) {
            throw new UnsupportedOperationException("WeightDecay(" + coeff + ", applyLR=false): only applyLR=true is "
                    + "supported (the decay is scaled by the learning rate, as AdamW); use new WeightDecay(coeff, true)");
        }
    }

    /** {@code new WeightDecay(coeff, true)}. */
    public WeightDecay(double coeff) { this(coeff, true); }

    @Override public ApplyStep applyStep() { return ApplyStep.POST_UPDATER; }
    @Override public double coefficient() { return coeff; }
}
