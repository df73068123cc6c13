package org.pydl4j.nd.lossfunctions.impl;

/**
 * Poisson loss, as ND4J's LossPoisson: {@code p - y log p} per output unit (outputs must be positive, e.g. a
 * softplus or exp activation).
 */
public class LossPoisson extends BaseElementwiseLoss {
    @Override protected double score(double y, double p) { return p - y * Math.log(p); }
    @Override protected double gradient(double y, double p) { return 1 - y / p; }
}
