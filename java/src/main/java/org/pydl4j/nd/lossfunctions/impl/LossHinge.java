package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/** Hinge loss, as ND4J's LossHinge: {@code max(0, 1 - y p)} per output unit; labels are -1 or +1. */
public class LossHinge extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossHinge> JSON = BaseElementwiseLoss.JSON.extend(LossHinge.class, LossHinge::new)
            .named("loss.Hinge")
            .build();

    @Override protected double score(double y, double p) { return Math.max(0, 1 - y * p); }
    @Override protected double gradient(double y, double p) { return 1 - y * p > 0 ? -y : 0; }
}
