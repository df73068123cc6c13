package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.Nadam;

/** Nadam over a state view holding m then v; see {@link Nadam} for the rule. */
public class NadamUpdater implements GradientUpdater {
    private final Nadam config;
    private final INDArray state, m, v;

    public NadamUpdater(Nadam config, INDArray view, boolean initialize) {
        this.config = config;
        this.state = view;
        INDArray[] p = StateViews.split("Nadam", view, 2);
        this.m = p[0];
        this.v = p[1];
        if (initialize) view.assign(0);
    }

    @Override public Nadam getConfig() { return config; }
    @Override public INDArray getState() { return state; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        StateViews.checkLength("Nadam", m, gradient);
        double b1 = config.getBeta1(), b2 = config.getBeta2(), eps = config.getEpsilon();
        double lr = config.getLearningRate(iteration, epoch);
        double corr = 1 - Math.pow(b1, iteration + 1);
        for (int i = 0; i < gradient.length(); i++) {
            double g = gradient.getDoubleLinear(i);
            double mi = b1 * m.getDoubleLinear(i) + (1 - b1) * g;
            double vi = b2 * v.getDoubleLinear(i) + (1 - b2) * g * g;
            m.putLinear(i, mi);
            v.putLinear(i, vi);
            gradient.putLinear(i, lr * (b1 * mi / corr + (1 - b1) * g / corr) / (Math.sqrt(vi) + eps));
        }
    }
}
