package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/**
 * Binary cross entropy, as ND4J's LossBinaryXENT: {@code -(y log p + (1 - y) log(1 - p))} per output unit, with p
 * clipped to {@code [eps, 1 - eps]} (eps 1e-5) inside the logs. Used with a sigmoid output for multi-label tasks.
 */
public class LossBinaryXENT extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossBinaryXENT> JSON = BaseElementwiseLoss.JSON.extend(LossBinaryXENT.class, LossBinaryXENT::new)
            .named("loss.BinaryXENT")
            .build();

    public static final double DEFAULT_CLIPPING_EPSILON = 1e-5;

    private static double clip(double p) { return Math.min(1 - DEFAULT_CLIPPING_EPSILON, Math.max(DEFAULT_CLIPPING_EPSILON, p)); }

    @Override
    protected double score(double y, double p) {
        double c = clip(p);
        return -(y * Math.log(c) + (1 - y) * Math.log(1 - c));
    }

    @Override
    protected double gradient(double y, double p) {
        if (p != clip(p)) return 0;   // clipped: the score does not move with p
        return -y / p + (1 - y) / (1 - p);
    }
}
