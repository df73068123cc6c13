package org.pydl4j.nd.lossfunctions.impl;

/** Squared hinge loss, as ND4J's LossSquaredHinge: {@code max(0, 1 - y p)^2} per output unit; labels -1 or +1. */
public class LossSquaredHinge extends BaseElementwiseLoss {
    @Override protected double score(double y, double p) { double h = Math.max(0, 1 - y * p); return h * h; }
    @Override protected double gradient(double y, double p) { return -2 * y * Math.max(0, 1 - y * p); }
}
