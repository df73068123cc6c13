package org.pydl4j.nd.learning.config;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.RmsPropUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * RMSProp as ND4J: r = decay*r + (1-decay)*g^2 (r starts at epsilon); update = lr * g / (sqrt(r) + eps).
 * Defaults: lr 0.1, rmsDecay 0.95, epsilon 1e-8.
 */
public class RmsProp extends BaseLearningRateConfig {
    /** The saved fields (after BaseLearningRateConfig's). */
    public static final JsonType<RmsProp> JSON = BaseLearningRateConfig.JSON.extend(RmsProp.class, RmsProp::new)
            .named("updater.RmsProp")
            .field("rmsDecay", DOUBLE, o -> o.rmsDecay, (o, v) -> o.rmsDecay = v)
            .field("epsilon", DOUBLE, o -> o.epsilon, (o, v) -> o.epsilon = v)
            .check(u -> u.checkDecay("rmsDecay", u.rmsDecay))
            .build();

    public static final double DEFAULT_RMSPROP_LEARNING_RATE = 1e-1;
    public static final double DEFAULT_RMSPROP_EPSILON = 1e-8;
    public static final double DEFAULT_RMSPROP_RMSDECAY = 0.95;

    private double rmsDecay = DEFAULT_RMSPROP_RMSDECAY;
    private double epsilon = DEFAULT_RMSPROP_EPSILON;

    public RmsProp() { this(DEFAULT_RMSPROP_LEARNING_RATE); }
    public RmsProp(double learningRate) { this(learningRate, DEFAULT_RMSPROP_RMSDECAY, DEFAULT_RMSPROP_EPSILON); }
    public RmsProp(ISchedule learningRateSchedule) {
        super(DEFAULT_RMSPROP_LEARNING_RATE, learningRateSchedule);
    }
    public RmsProp(double learningRate, double rmsDecay, double epsilon) {
        super(learningRate, null);
        this.rmsDecay = checkDecay("rmsDecay", rmsDecay);
        this.epsilon = checkFinite("epsilon", epsilon);
    }
    public RmsProp(ISchedule learningRateSchedule, double rmsDecay, double epsilon) {
        this(DEFAULT_RMSPROP_LEARNING_RATE, rmsDecay, epsilon);
        this.learningRateSchedule = learningRateSchedule;
    }

    public static Builder builder() { return new Builder(); }

    public double getRmsDecay() { return rmsDecay; }
    public void setRmsDecay(double d) { this.rmsDecay = checkDecay("rmsDecay", d); }
    public double getEpsilon() { return epsilon; }
    public void setEpsilon(double e) { this.epsilon = checkFinite("epsilon", e); }

    @Override public long stateSize(long numParams) { return numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new RmsPropUpdater(this, viewArray, initializeViewArray);
    }

    @Override public RmsProp clone() { return (RmsProp) super.clone(); }

    public static class Builder {
        private double learningRate = DEFAULT_RMSPROP_LEARNING_RATE, rmsDecay = DEFAULT_RMSPROP_RMSDECAY, epsilon = DEFAULT_RMSPROP_EPSILON;
        private ISchedule learningRateSchedule;
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Builder learningRateSchedule(ISchedule s) { this.learningRateSchedule = s; return this; }
        public Builder rmsDecay(double d) { this.rmsDecay = d; return this; }
        public Builder epsilon(double e) { this.epsilon = e; return this; }
        public RmsProp build() { RmsProp r = new RmsProp(learningRate, rmsDecay, epsilon); r.learningRateSchedule = learningRateSchedule; return r; }
    }
}
