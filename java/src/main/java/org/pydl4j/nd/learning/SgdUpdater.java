package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.learning.config.Sgd;

/** update = lr * gradient. */
public class SgdUpdater implements GradientUpdater {
    private final Sgd config;

    public SgdUpdater(Sgd config) { this.config = config; }

    @Override public Sgd getConfig() { return config; }
    @Override public INDArray getState() { return null; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        Nd4j.getBackend().scale(gradient, config.getLearningRate(iteration, epoch));
    }
}
