package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/**
 * Mean squared logarithmic error, as ND4J's LossMSLE: {@code (log(p + 1) - log(y + 1))^2} averaged over output
 * units (outputs and labels above -1).
 */
public class LossMSLE extends BaseElementwiseLoss {
    /** The saved fields (after BaseElementwiseLoss's). */
    public static final JsonType<LossMSLE> JSON = BaseElementwiseLoss.JSON.extend(LossMSLE.class, LossMSLE::new)
            .named("loss.MSLE")
            .build();

    @Override protected double score(double y, double p) { double d = Math.log1p(p) - Math.log1p(y); return d * d; }
    @Override protected double gradient(double y, double p) { return 2 * (Math.log1p(p) - Math.log1p(y)) / (p + 1); }
    @Override protected boolean meanOverOutputs() { return true; }
}
