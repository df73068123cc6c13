package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.NadamUpdater;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * Nadam as ND4J (Adam with Nesterov momentum): m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; with t = iteration + 1,
 * update = lr * (b1*m / (1 - b1^t) + (1-b1)*g / (1 - b1^t)) / (sqrt(v) + eps). Defaults: lr 1e-3, beta1 0.9,
 * beta2 0.999, epsilon 1e-8. State: m then v.
 */
public class Nadam extends BaseMomentsConfig {
    /** The saved fields (after BaseMomentsConfig's). */
    public static final JsonType<Nadam> JSON = BaseMomentsConfig.JSON.extend(Nadam.class, Nadam::new)
            .named("updater.Nadam")
            .build();

    public Nadam() { this(DEFAULT_LEARNING_RATE); }
    public Nadam(double learningRate) { this(learningRate, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public Nadam(ISchedule learningRateSchedule) { super(DEFAULT_LEARNING_RATE, learningRateSchedule, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public Nadam(double learningRate, double beta1, double beta2, double epsilon) { super(learningRate, null, beta1, beta2, epsilon); }

    public static Builder builder() { return new Builder(); }

    @Override public long stateSize(long numParams) { return 2 * numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new NadamUpdater(this, viewArray, initializeViewArray);
    }

    @Override public Nadam clone() { return (Nadam) super.clone(); }

    public static class Builder extends BaseMomentsConfig.Builder<Builder> {
        public Nadam build() { Nadam u = new Nadam(learningRate, beta1, beta2, epsilon); u.learningRateSchedule = learningRateSchedule; return u; }
    }
}
