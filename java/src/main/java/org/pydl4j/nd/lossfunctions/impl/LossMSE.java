package org.pydl4j.nd.lossfunctions.impl;

/** Mean squared error, as ND4J's LossMSE: sum((output - labels)^2) / nOut per example ({@link LossL2} / nOut). */
public class LossMSE extends LossL2 {
    @Override protected boolean meanOverOutputs() { return true; }
}
