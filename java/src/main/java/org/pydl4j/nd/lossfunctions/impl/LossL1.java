package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/** L1 loss, as ND4J's LossL1: {@code |p - y|} summed over output units. */
public class LossL1 extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossL1> JSON = BaseElementwiseLoss.JSON.extend(LossL1.class, LossL1::new)
            .named("loss.L1")
            .build();

    @Override protected double score(double y, double p) { return Math.abs(p - y); }
    @Override protected double gradient(double y, double p) { return Math.signum(p - y); }
}
