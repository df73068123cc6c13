package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/**
 * Poisson loss, as ND4J's LossPoisson: {@code p - y log p} per output unit (outputs must be positive, e.g. a
 * softplus or exp activation).
 */
public class LossPoisson extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossPoisson> JSON = BaseElementwiseLoss.JSON.extend(LossPoisson.class, LossPoisson::new)
            .named("loss.Poisson")
            .build();

    @Override protected double score(double y, double p) { return p - y * Math.log(p); }
    @Override protected double gradient(double y, double p) { return 1 - y / p; }
}
