package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.learning.config.Adam;

/** Adam over a state view holding m (first half) then v (second half); see {@link Adam} for the rule. */
public class AdamUpdater implements GradientUpdater {
    private final Adam config;
    private final INDArray state, m, v;

    public AdamUpdater(Adam config, INDArray view, boolean initialize) {
        this.config = config;
        this.state = view;
        INDArray[] parts = StateViews.split("Adam", view, 2);
        this.m = parts[0];
        this.v = parts[1];
        if (initialize) view.assign(0);
    }

    @Override public Adam getConfig() { return config; }
    @Override public INDArray getState() { return state; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (m.length() != gradient.length()) {
            throw new IllegalArgumentException("Adam state holds " + m.length() + " values per moment for a gradient of " + gradient.length());
        }
        double b1 = config.getBeta1(), b2 = config.getBeta2(), eps = config.getEpsilon();
        double lr = config.getLearningRate(iteration, epoch);
        double beta1t = Math.pow(b1, iteration + 1), beta2t = Math.pow(b2, iteration + 1);
        double alphat = lr * Math.sqrt(1 - beta2t) / (1 - beta1t);
        if (Double.isNaN(alphat) || alphat == 0.0) alphat = 1e-8;
        Nd4j.getBackend().adamStep(gradient, m, v, b1, b2, eps, alphat);
    }
}
