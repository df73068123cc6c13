package org.pydl4j.nd.learning.config;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.object;

import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * An updater with a learning rate that a schedule can replace, as ND4J's updaters: when a learning-rate schedule is
 * set, {@link #getLearningRate(int, int)} is the schedule's value at that iteration and epoch (the training loop
 * passes its counters every step), else the fixed learning rate.
 */
public abstract class BaseLearningRateConfig extends BaseUpdaterConfig {
    /** The saved fields (after BaseUpdaterConfig's). */
    public static final JsonType<BaseLearningRateConfig> JSON = BaseUpdaterConfig.JSON.extendAbstract(BaseLearningRateConfig.class)
            .field("learningRate", DOUBLE, o -> o.learningRate, (o, v) -> o.learningRate = v)
            .field("learningRateSchedule", object(ISchedule.class), o -> o.learningRateSchedule, (o, v) -> o.learningRateSchedule = v)
            .build();

    protected double learningRate;
    protected ISchedule learningRateSchedule;

    protected BaseLearningRateConfig() {}

    protected BaseLearningRateConfig(double learningRate, ISchedule learningRateSchedule) {
        this.learningRate = checkFinite("learningRate", learningRate);
        this.learningRateSchedule = learningRateSchedule;
    }

    public double getLearningRate() { return learningRate; }
    public void setLearningRate(double lr) { this.learningRate = checkFinite("learningRate", lr); }
    public ISchedule getLearningRateSchedule() { return learningRateSchedule; }
    public void setLearningRateSchedule(ISchedule s) { this.learningRateSchedule = s; }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override public boolean hasLearningRate() { return true; }

    @Override
    public void setLrAndSchedule(double lr, ISchedule schedule) {
        this.learningRate = checkFinite("learningRate", lr);
        this.learningRateSchedule = schedule;
    }
}
