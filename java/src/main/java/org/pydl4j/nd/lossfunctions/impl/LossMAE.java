package org.pydl4j.nd.lossfunctions.impl;

/** Mean absolute error, as ND4J's LossMAE: {@link LossL1} divided by the number of output units. */
public class LossMAE extends LossL1 {
    @Override protected boolean meanOverOutputs() { return true; }
}
