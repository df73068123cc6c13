package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/** Negative log likelihood: the same computation as {@link LossMCXENT}, as in ND4J. */
public class LossNegativeLogLikelihood extends LossMCXENT {
    /** The saved fields (after LossMCXENT's). */
    public static final JsonType<LossNegativeLogLikelihood> JSON = LossMCXENT.JSON.extend(LossNegativeLogLikelihood.class, LossNegativeLogLikelihood::new)
            .named("loss.NegativeLogLikelihood")
            .build();

    @Override
    public String name() { return "LossNegativeLogLikelihood()"; }
}
