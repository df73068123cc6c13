package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.AdamUpdater;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * Adam as ND4J: m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; with t = iteration + 1,
 * update = lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps). Defaults: lr 1e-3, beta1 0.9, beta2 0.999,
 * epsilon 1e-8. State: m then v. The learning rate may follow a schedule.
 */
public class Adam extends BaseMomentsConfig {
    /** The saved fields (after BaseMomentsConfig's). */
    public static final JsonType<Adam> JSON = BaseMomentsConfig.JSON.extend(Adam.class, Adam::new)
            .named("updater.Adam")
            .build();

    public static final double DEFAULT_ADAM_LEARNING_RATE = DEFAULT_LEARNING_RATE;
    public static final double DEFAULT_ADAM_EPSILON = DEFAULT_EPSILON;
    public static final double DEFAULT_ADAM_BETA1_MEAN_DECAY = DEFAULT_BETA1_MEAN_DECAY;
    public static final double DEFAULT_ADAM_BETA2_VAR_DECAY = DEFAULT_BETA2_VAR_DECAY;

    public Adam() { this(DEFAULT_LEARNING_RATE); }
    public Adam(double learningRate) { this(learningRate, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public Adam(ISchedule learningRateSchedule) { this(learningRateSchedule, DEFAULT_BETA1_MEAN_DECAY, DEFAULT_BETA2_VAR_DECAY, DEFAULT_EPSILON); }
    public Adam(double learningRate, double beta1, double beta2, double epsilon) { super(learningRate, null, beta1, beta2, epsilon); }
    public Adam(ISchedule learningRateSchedule, double beta1, double beta2, double epsilon) {
        super(DEFAULT_LEARNING_RATE, learningRateSchedule, beta1, beta2, epsilon);
    }

    public static Builder builder() { return new Builder(); }

    @Override public long stateSize(long numParams) { return 2 * numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new AdamUpdater(this, viewArray, initializeViewArray);
    }

    @Override public Adam clone() { return (Adam) super.clone(); }

    @Override
    public String toString() {
        return "Adam(learningRate=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon
                + (learningRateSchedule == null ? "" : ", schedule=" + learningRateSchedule) + ")";
    }

    public static class Builder extends BaseMomentsConfig.Builder<Builder> {
        public Adam build() { Adam a = new Adam(learningRate, beta1, beta2, epsilon); a.learningRateSchedule = learningRateSchedule; return a; }
    }
}
