package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/** Squared hinge loss, as ND4J's LossSquaredHinge: {@code max(0, 1 - y p)^2} per output unit; labels -1 or +1. */
public class LossSquaredHinge extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossSquaredHinge> JSON = BaseElementwiseLoss.JSON.extend(LossSquaredHinge.class, LossSquaredHinge::new)
            .named("loss.SquaredHinge")
            .build();

    @Override protected double score(double y, double p) { double h = Math.max(0, 1 - y * p); return h * h; }
    @Override protected double gradient(double y, double p) { return -2 * y * Math.max(0, 1 - y * p); }
}
