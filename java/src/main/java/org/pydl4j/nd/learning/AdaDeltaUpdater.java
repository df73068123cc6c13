package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.AdaDelta;

/** AdaDelta over a state view holding msg (mean squared gradient) then msdx (mean squared update); see {@link AdaDelta}. */
public class AdaDeltaUpdater implements GradientUpdater {
    private final AdaDelta config;
    private final INDArray state, msg, msdx;

    public AdaDeltaUpdater(AdaDelta config, INDArray view, boolean initialize) {
        this.config = config;
        this.state = view;
        INDArray[] p = StateViews.split("AdaDelta", view, 2);
        this.msg = p[0];
        this.msdx = p[1];
        if (initialize) view.assign(0);
    }

    @Override public AdaDelta getConfig() { return config; }
    @Override public INDArray getState() { return state; }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        StateViews.checkLength("AdaDelta", msg, gradient);
        double rho = config.getRho(), eps = config.getEpsilon();
        for (int i = 0; i < gradient.length(); i++) {
            double g = gradient.getDoubleLinear(i);
            double sg = rho * msg.getDoubleLinear(i) + (1 - rho) * g * g;
            double dx = Math.sqrt(msdx.getDoubleLinear(i) + eps) / Math.sqrt(sg + eps) * g;
            msg.putLinear(i, sg);
            msdx.putLinear(i, rho * msdx.getDoubleLinear(i) + (1 - rho) * dx * dx);
            gradient.putLinear(i, dx);
        }
    }
}
