package org.pydl4j.nd.learning.regularization;

/**
 * A regularization of one kind of parameters, as DL4J's {@code Regularization}, given to a builder's
 * {@code regularization(List)} / {@code regularizationBias(List)}. Each is a coefficient of the layer configuration
 * (l1, l2, weight decay), so saved networks and every builder path apply it the same way.
 */
public sealed interface Regularization permits L1Regularization, L2Regularization, WeightDecay {

    /** When the term meets the updater (DL4J's {@code Regularization.ApplyStep}). */
    enum ApplyStep {
        /** w -= updater(gradient + term): l1 and l2. */
        BEFORE_UPDATER,
        /** w -= updater(gradient) + term: decoupled weight decay. */
        POST_UPDATER
    }

    ApplyStep applyStep();

    /** The coefficient, finite and >= 0. */
    double coefficient();
}
