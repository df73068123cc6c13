package org.pydl4j.nd.lossfunctions.impl;

/** Negative log likelihood: the same computation as {@link LossMCXENT}, as in ND4J. */
public class LossNegativeLogLikelihood extends LossMCXENT {
    @Override
    public String name() { return "LossNegativeLogLikelihood()"; }
}
