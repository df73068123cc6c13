package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.AMSGradUpdater;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * AMSGrad as ND4J: m and v as Adam, vHat = max(vHat, v); with t = iteration + 1,
 * update = lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(vHat) + eps). Defaults: lr 1e-3, beta1 0.9, beta2 0.999,
 * epsilon 1e-8. State: m, v, vHat.
 */
public class AMSGrad extends BaseMomentsConfig {
    /** The saved fields (after BaseMomentsConfig's). */
    public static final JsonType<AMSGrad> JSON = BaseMomentsConfig.JSON.extend(AMSGrad.class, AMSGrad::new)
            .named("updater.AMSGrad")
            .build();

    public AMSGrad() { this(DEFAULT_LEARNING_RATE); }
    public AMSGrad(double learningRate) { this(learningRate, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public AMSGrad(ISchedule learningRateSchedule) { super(DEFAULT_LEARNING_RATE, learningRateSchedule, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public AMSGrad(double learningRate, double beta1, double beta2, double epsilon) { super(learningRate, null, beta1, beta2, epsilon); }

    public static Builder builder() { return new Builder(); }

    @Override public long stateSize(long numParams) { return 3 * numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new AMSGradUpdater(this, viewArray, initializeViewArray);
    }

    @Override public AMSGrad clone() { return (AMSGrad) super.clone(); }

    public static class Builder extends BaseMomentsConfig.Builder<Builder> {
        public AMSGrad build() { AMSGrad u = new AMSGrad(learningRate, beta1, beta2, epsilon); u.learningRateSchedule = learningRateSchedule; return u; }
    }
}
