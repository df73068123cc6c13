package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.AMSGrad;

/** AMSGrad over a state view holding m, v, then vHat (the running maximum of v); see {@link AMSGrad}. */
public class AMSGradUpdater implements GradientUpdater {
    private final AMSGrad config;
    private final INDArray state, m, v, vHat;

    public AMSGradUpdater(AMSGrad config, INDArray view, boolean initialize) {
        this.config = config;
        this.state = view;
        INDArray[] p = StateViews.split("AMSGrad", view, 3);
        this.m = p[0];
        this.v = p[1];
        this.vHat = p[2];
        if (initialize) view.assign(0);
    }

    @Override public AMSGrad getConfig() { return config; }
    @Override public INDArray getState() { return state; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        StateViews.checkLength("AMSGrad", m, gradient);
        double b1 = config.getBeta1(), b2 = config.getBeta2(), eps = config.getEpsilon();
        double lr = config.getLearningRate(iteration, epoch);
        double alphat = lr * Math.sqrt(1 - Math.pow(b2, iteration + 1)) / (1 - Math.pow(b1, iteration + 1));
        for (int i = 0; i < gradient.length(); i++) {
            double g = gradient.getDoubleLinear(i);
            double mi = b1 * m.getDoubleLinear(i) + (1 - b1) * g;
            double vi = b2 * v.getDoubleLinear(i) + (1 - b2) * g * g;
            double vh = Math.max(vHat.getDoubleLinear(i), vi);
            m.putLinear(i, mi);
            v.putLinear(i, vi);
            vHat.putLinear(i, vh);
            gradient.putLinear(i, alphat * mi / (Math.sqrt(vh) + eps));
        }
    }
}
