package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.AdaMax;

/** AdaMax over a state view holding m then u (exponentially weighted infinity norm); see {@link AdaMax}. */
public class AdaMaxUpdater implements GradientUpdater {
    private final AdaMax config;
    private final INDArray state, m, u;

    public AdaMaxUpdater(AdaMax config, INDArray view, boolean initialize) {
        this.config = config;
        this.state = view;
        INDArray[] p = StateViews.split("AdaMax", view, 2);
        this.m = p[0];
        this.u = p[1];
        if (initialize) view.assign(0);
    }

    @Override public AdaMax getConfig() { return config; }
    @Override public INDArray getState() { return state; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        StateViews.checkLength("AdaMax", m, gradient);
        double b1 = config.getBeta1(), b2 = config.getBeta2(), eps = config.getEpsilon();
        double alphat = config.getLearningRate(iteration, epoch) / (1 - Math.pow(b1, iteration + 1));
        for (int i = 0; i < gradient.length(); i++) {
            double g = gradient.getDoubleLinear(i);
            double mi = b1 * m.getDoubleLinear(i) + (1 - b1) * g;
            double ui = Math.max(b2 * u.getDoubleLinear(i), Math.abs(g));
            m.putLinear(i, mi);
            u.putLinear(i, ui);
            gradient.putLinear(i, alphat * mi / (ui + eps));
        }
    }
}
