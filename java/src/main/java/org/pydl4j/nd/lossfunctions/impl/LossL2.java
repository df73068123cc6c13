package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/** L2 loss, as ND4J's LossL2: {@code (p - y)^2} summed over output units (no 1/2, no mean). */
public class LossL2 extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossL2> JSON = BaseElementwiseLoss.JSON.extend(LossL2.class, LossL2::new)
            .named("loss.L2")
            .build();

    @Override protected double score(double y, double p) { return (p - y) * (p - y); }
    @Override protected double gradient(double y, double p) { return 2 * (p - y); }
}
