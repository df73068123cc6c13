package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/**
 * Kullback-Leibler divergence, as ND4J's LossKLD: {@code y log(y / p)} per output unit, with labels and outputs
 * clipped to {@code [1e-10, 1]} inside the log.
 */
public class LossKLD extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossKLD> JSON = BaseElementwiseLoss.JSON.extend(LossKLD.class, LossKLD::new)
            .named("loss.KLD")
            .build();

    private static final double EPS = 1e-10;

    private static double clip(double v) { return Math.min(1, Math.max(EPS, v)); }

    @Override
    protected double score(double y, double p) {
        double yc = clip(y);
        return yc * Math.log(yc / clip(p));
    }

    @Override
    protected double gradient(double y, double p) {
        if (p != clip(p)) return 0;
        return -clip(y) / p;
    }
}
