package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.learning.config.Nesterovs;

/** Nesterov momentum over a velocity view v: v' = mu*v - lr*g; update = mu*v - (1+mu)*v'. */
public class NesterovsUpdater implements GradientUpdater {
    private final Nesterovs config;
    private final INDArray v;

    public NesterovsUpdater(Nesterovs config, INDArray view, boolean initialize) {
        this.config = config;
        this.v = view;
        if (initialize) v.assign(0);
    }

    @Override public Nesterovs getConfig() { return config; }
    @Override public INDArray getState() { return v; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (v.length() != gradient.length()) {
            throw new IllegalArgumentException("Nesterovs state holds " + v.length() + " values for a gradient of " + gradient.length());
        }
        double mu = config.currentMomentum(iteration, epoch), lr = config.getLearningRate(iteration, epoch);
        Nd4j.getBackend().nesterovsStep(gradient, v, mu, lr);
    }
}
