package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/**
 * Mean absolute percentage error, as ND4J's LossMAPE: {@code 100 |(y - p) / y|} averaged over output units (labels
 * must not be 0).
 */
public class LossMAPE extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossMAPE> JSON = BaseElementwiseLoss.JSON.extend(LossMAPE.class, LossMAPE::new)
            .named("loss.MAPE")
            .build();

    @Override protected double score(double y, double p) { return 100 * Math.abs((y - p) / y); }
    @Override protected double gradient(double y, double p) { return 100 * Math.signum(p - y) / Math.abs(y); }
    @Override protected boolean meanOverOutputs() { return true; }
}
