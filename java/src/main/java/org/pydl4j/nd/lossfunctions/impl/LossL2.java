package org.pydl4j.nd.lossfunctions.impl;

/** L2 loss, as ND4J's LossL2: {@code (p - y)^2} summed over output units (no 1/2, no mean). */
public class LossL2 extends BaseElementwiseLoss {
    @Override protected double score(double y, double p) { return (p - y) * (p - y); }
    @Override protected double gradient(double y, double p) { return 2 * (p - y); }
}
