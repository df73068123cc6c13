package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.NoOp;

/** Leaves the parameters unchanged: the update is zero. */
public class NoOpUpdater implements GradientUpdater {
    private final NoOp config;

    public NoOpUpdater(NoOp config) { this.config = config; }

    @Override public NoOp getConfig() { return config; }
    @Override public INDArray getState() { return null; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) { gradient.assign(0); }
}
