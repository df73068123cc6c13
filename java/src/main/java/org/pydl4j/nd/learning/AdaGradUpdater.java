package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.AdaGrad;

/** AdaGrad over a state view of the summed squared gradients (initialised to epsilon, as ND4J); see {@link AdaGrad}. */
public class AdaGradUpdater implements GradientUpdater {
    private final AdaGrad config;
    private final INDArray historicalGradient;

    public AdaGradUpdater(AdaGrad config, INDArray view, boolean initialize) {
        this.config = config;
        this.historicalGradient = StateViews.split("AdaGrad", view, 1)[0];
        if (initialize) historicalGradient.assign(config.getEpsilon());
    }

    @Override public AdaGrad getConfig() { return config; }
    @Override public INDArray getState() { return historicalGradient; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        StateViews.checkLength("AdaGrad", historicalGradient, gradient);
        double eps = config.getEpsilon(), lr = config.getLearningRate(iteration, epoch);
        for (int i = 0; i < gradient.length(); i++) {
            double g = gradient.getDoubleLinear(i);
            double h = historicalGradient.getDoubleLinear(i) + g * g;
            historicalGradient.putLinear(i, h);
            gradient.putLinear(i, lr * g / (Math.sqrt(h) + eps));
        }
    }
}
