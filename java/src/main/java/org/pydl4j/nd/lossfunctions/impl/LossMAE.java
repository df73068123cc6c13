package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/** Mean absolute error, as ND4J's LossMAE: {@link LossL1} divided by the number of output units. */
public class LossMAE extends LossL1 {
    /** The saved fields (after LossL1's). */
    public static final JsonType<LossMAE> JSON = LossL1.JSON.extend(LossMAE.class, LossMAE::new)
            .named("loss.MAE")
            .build();

    @Override protected boolean meanOverOutputs() { return true; }
}
