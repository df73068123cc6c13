package org.pydl4j.nd.learning.config;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.AdaGradUpdater;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * AdaGrad as ND4J: h += g^2 (h starts at epsilon); update = lr * g / (sqrt(h) + eps). Defaults: lr 0.1,
 * epsilon 1e-6.
 */
public class AdaGrad extends BaseLearningRateConfig {
    /** The saved fields (after BaseLearningRateConfig's). */
    public static final JsonType<AdaGrad> JSON = BaseLearningRateConfig.JSON.extend(AdaGrad.class, AdaGrad::new)
            .named("updater.AdaGrad")
            .field("epsilon", DOUBLE, o -> o.epsilon, (o, v) -> o.epsilon = v)
            .build();

    public static final double DEFAULT_ADAGRAD_LEARNING_RATE = 1e-1;
    public static final double DEFAULT_ADAGRAD_EPSILON = 1e-6;

    private double epsilon = DEFAULT_ADAGRAD_EPSILON;

    public AdaGrad() { this(DEFAULT_ADAGRAD_LEARNING_RATE); }
    public AdaGrad(double learningRate) { this(learningRate, DEFAULT_ADAGRAD_EPSILON); }
    public AdaGrad(double learningRate, double epsilon) {
        super(learningRate, null);
        this.epsilon = checkFinite("epsilon", epsilon);
    }
    public AdaGrad(ISchedule learningRateSchedule) { this(learningRateSchedule, DEFAULT_ADAGRAD_EPSILON); }
    public AdaGrad(ISchedule learningRateSchedule, double epsilon) {
        this(DEFAULT_ADAGRAD_LEARNING_RATE, epsilon);
        this.learningRateSchedule = learningRateSchedule;
    }

    public static Builder builder() { return new Builder(); }

    public double getEpsilon() { return epsilon; }
    public void setEpsilon(double e) { this.epsilon = checkFinite("epsilon", e); }

    @Override public long stateSize(long numParams) { return numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new AdaGradUpdater(this, viewArray, initializeViewArray);
    }

    @Override public AdaGrad clone() { return (AdaGrad) super.clone(); }

    public static class Builder {
        private double learningRate = DEFAULT_ADAGRAD_LEARNING_RATE, epsilon = DEFAULT_ADAGRAD_EPSILON;
        private ISchedule learningRateSchedule;
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Builder learningRateSchedule(ISchedule s) { this.learningRateSchedule = s; return this; }
        public Builder epsilon(double e) { this.epsilon = e; return this; }
        public AdaGrad build() { AdaGrad a = new AdaGrad(learningRate, epsilon); a.learningRateSchedule = learningRateSchedule; return a; }
    }
}
