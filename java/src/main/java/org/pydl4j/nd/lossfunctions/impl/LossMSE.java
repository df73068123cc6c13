package org.pydl4j.nd.lossfunctions.impl;

import org.pydl4j.util.json.JsonType;

/** Mean squared error, as ND4J's LossMSE: sum((output - labels)^2) / nOut per example ({@link LossL2} / nOut). */
public class LossMSE extends LossL2 {
    /** The saved fields (after LossL2's). */
    public static final JsonType<LossMSE> JSON = LossL2.JSON.extend(LossMSE.class, LossMSE::new)
            .named("loss.MSE")
            .build();

    @Override protected boolean meanOverOutputs() { return true; }
}
