package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.AdaMaxUpdater;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * AdaMax as ND4J (Adam with the infinity norm): m = b1*m + (1-b1)*g; u = max(b2*u, |g|); with t = iteration + 1,
 * update = lr / (1 - b1^t) * m / (u + eps). Defaults: lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8. State: m then u.
 */
public class AdaMax extends BaseMomentsConfig {
    /** The saved fields (after BaseMomentsConfig's). */
    public static final JsonType<AdaMax> JSON = BaseMomentsConfig.JSON.extend(AdaMax.class, AdaMax::new)
            .named("updater.AdaMax")
            .build();

    public AdaMax() { this(DEFAULT_LEARNING_RATE); }
    public AdaMax(double learningRate) { this(learningRate, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public AdaMax(ISchedule learningRateSchedule) { super(DEFAULT_LEARNING_RATE, learningRateSchedule, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public AdaMax(double learningRate, double beta1, double beta2, double epsilon) { super(learningRate, null, beta1, beta2, epsilon); }

    public static Builder builder() { return new Builder(); }

    @Override public long stateSize(long numParams) { return 2 * numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new AdaMaxUpdater(this, viewArray, initializeViewArray);
    }

    @Override public AdaMax clone() { return (AdaMax) super.clone(); }

    public static class Builder extends BaseMomentsConfig.Builder<Builder> {
        public AdaMax build() { AdaMax u = new AdaMax(learningRate, beta1, beta2, epsilon); u.learningRateSchedule = learningRateSchedule; return u; }
    }
}
