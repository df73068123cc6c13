package org.pydl4j.nd.learning.config;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/** The Adam family's shared settings: beta1 (mean decay), beta2 (variance decay), epsilon; defaults as ND4J's. */
public abstract class BaseMomentsConfig extends BaseLearningRateConfig {
    /** The saved fields (after BaseLearningRateConfig's). */
    public static final JsonType<BaseMomentsConfig> JSON = BaseLearningRateConfig.JSON.extendAbstract(BaseMomentsConfig.class)
            .field("beta1", DOUBLE, o -> o.beta1, (o, v) -> o.beta1 = v)
            .field("beta2", DOUBLE, o -> o.beta2, (o, v) -> o.beta2 = v)
            .field("epsilon", DOUBLE, o -> o.epsilon, (o, v) -> o.epsilon = v)
            .check(u -> { u.checkDecay("beta1", u.beta1); u.checkDecay("beta2", u.beta2); })
            .build();

    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_EPSILON = 1e-8;
    public static final double DEFAULT_BETA1_MEAN_DECAY = 0.9;
    public static final double DEFAULT_BETA2_VAR_DECAY = 0.999;

    protected double beta1 = DEFAULT_BETA1_MEAN_DECAY;
    protected double beta2 = DEFAULT_BETA2_VAR_DECAY;
    protected double epsilon = DEFAULT_EPSILON;

    protected BaseMomentsConfig() {}

    protected BaseMomentsConfig(double learningRate, ISchedule schedule, double beta1, double beta2, double epsilon) {
        super(learningRate, schedule);
        this.beta1 = checkDecay("beta1", beta1);
        this.beta2 = checkDecay("beta2", beta2);
        this.epsilon = checkFinite("epsilon", epsilon);
    }

    public double getBeta1() { return beta1; }
    public void setBeta1(double b) { this.beta1 = checkDecay("beta1", b); }
    public double getBeta2() { return beta2; }
    public void setBeta2(double b) { this.beta2 = checkDecay("beta2", b); }
    public double getEpsilon() { return epsilon; }
    public void setEpsilon(double e) { this.epsilon = checkFinite("epsilon", e); }

    /** Builder steps shared by the Adam family. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        protected double learningRate = DEFAULT_LEARNING_RATE, beta1 = DEFAULT_BETA1_MEAN_DECAY, beta2 = DEFAULT_BETA2_VAR_DECAY,
                epsilon = DEFAULT_EPSILON;
        protected ISchedule learningRateSchedule;
        public B learningRate(double lr) { this.learningRate = lr; return (B) this; }
        public B learningRateSchedule(ISchedule s) { this.learningRateSchedule = s; return (B) this; }
        public B beta1(double b) { this.beta1 = b; return (B) this; }
        public B beta2(double b) { this.beta2 = b; return (B) this; }
        public B epsilon(double e) { this.epsilon = e; return (B) this; }
    }
}
