package org.pydl4j.nd.lossfunctions.impl;

/** L1 loss, as ND4J's LossL1: {@code |p - y|} summed over output units. */
public class LossL1 extends BaseElementwiseLoss {
    @Override protected double score(double y, double p) { return Math.abs(p - y); }
    @Override protected double gradient(double y, double p) { return Math.signum(p - y); }
}
