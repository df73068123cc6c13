package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.RmsProp;

/** RMSProp over a state view of the running mean square (initialised to epsilon, as ND4J); see {@link RmsProp}. */
public class RmsPropUpdater implements GradientUpdater {
    private final RmsProp config;
    private final INDArray lastGradient;

    public RmsPropUpdater(RmsProp config, INDArray view, boolean initialize) {
        this.config = config;
        this.lastGradient = StateViews.split("RmsProp", view, 1)[0];
        if (initialize) lastGradient.assign(config.getEpsilon());
    }

    @Override public RmsProp getConfig() { return config; }
    @Override public INDArray getState() { return lastGradient; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        StateViews.checkLength("RmsProp", lastGradient, gradient);
        double decay = config.getRmsDecay(), eps = config.getEpsilon(), lr = config.getLearningRate(iteration, epoch);
        for (int i = 0; i < gradient.length(); i++) {
            double g = gradient.getDoubleLinear(i);
            double r = decay * lastGradient.getDoubleLinear(i) + (1 - decay) * g * g;
            lastGradient.putLinear(i, r);
            gradient.putLinear(i, lr * g / (Math.sqrt(r) + eps));
        }
    }
}
