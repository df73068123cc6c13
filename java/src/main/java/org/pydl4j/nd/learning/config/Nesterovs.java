package org.pydl4j.nd.learning.config;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.object;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.NesterovsUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * Nesterov momentum as ND4J: v' = mu*v - lr*g; update = mu*v - (1+mu)*v' (subtracted from the parameters).
 * Defaults: learning rate 0.1, momentum 0.9. The learning rate and the momentum may each follow a schedule.
 */
public class Nesterovs extends BaseLearningRateConfig {
    /** The saved fields (after BaseLearningRateConfig's). */
    public static final JsonType<Nesterovs> JSON = BaseLearningRateConfig.JSON.extend(Nesterovs.class, Nesterovs::new)
            .named("updater.Nesterovs")
            .field("momentum", DOUBLE, o -> o.momentum, (o, v) -> o.momentum = v)
            .field("momentumSchedule", object(ISchedule.class), o -> o.momentumSchedule, (o, v) -> o.momentumSchedule = v)
            .build();

    public static final double DEFAULT_NESTEROV_MOMENTUM = 0.9;
    public static final double DEFAULT_NESTEROV_LEARNING_RATE = 0.1;

    private double momentum = DEFAULT_NESTEROV_MOMENTUM;
    private ISchedule momentumSchedule;

    public Nesterovs() { this(DEFAULT_NESTEROV_LEARNING_RATE); }

    public Nesterovs(double learningRate) { this(learningRate, DEFAULT_NESTEROV_MOMENTUM); }

    public Nesterovs(double learningRate, double momentum) {
        super(learningRate, null);
        this.momentum = checkFinite("momentum", momentum);
    }

    public Nesterovs(ISchedule learningRateSchedule) { this(learningRateSchedule, DEFAULT_NESTEROV_MOMENTUM); }

    public Nesterovs(ISchedule learningRateSchedule, double momentum) {
        super(DEFAULT_NESTEROV_LEARNING_RATE, learningRateSchedule);
        this.momentum = checkFinite("momentum", momentum);
    }

    public Nesterovs(ISchedule learningRateSchedule, ISchedule momentumSchedule) {
        super(DEFAULT_NESTEROV_LEARNING_RATE, learningRateSchedule);
        this.momentumSchedule = momentumSchedule;
    }

    public Nesterovs(double learningRate, ISchedule momentumSchedule) {
        super(learningRate, null);
        this.momentumSchedule = momentumSchedule;
    }

    public static Builder builder() { return new Builder(); }

    public double getMomentum() { return momentum; }
    public void setMomentum(double m) { this.momentum = checkFinite("momentum", m); }
    public ISchedule getMomentumISchedule() { return momentumSchedule; }
    public void setMomentumISchedule(ISchedule s) { this.momentumSchedule = s; }

    /** The momentum at an iteration and epoch (the momentum schedule's value when one is set). */
    public double currentMomentum(int iteration, int epoch) {
        return momentumSchedule != null ? momentumSchedule.valueAt(iteration, epoch) : momentum;
    }

    @Override public long stateSize(long numParams) { return numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new NesterovsUpdater(this, viewArray, initializeViewArray);
    }

    @Override public Nesterovs clone() { return (Nesterovs) super.clone(); }

    @Override
    public String toString() {
        return "Nesterovs(learningRate=" + learningRate + ", momentum=" + momentum
                + (learningRateSchedule == null ? "" : ", schedule=" + learningRateSchedule)
                + (momentumSchedule == null ? "" : ", momentumSchedule=" + momentumSchedule) + ")";
    }

    public static class Builder {
        private double learningRate = DEFAULT_NESTEROV_LEARNING_RATE, momentum = DEFAULT_NESTEROV_MOMENTUM;
        private ISchedule learningRateSchedule, momentumSchedule;
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Builder momentum(double m) { this.momentum = m; return this; }
        public Builder learningRateSchedule(ISchedule s) { this.learningRateSchedule = s; return this; }
        public Builder momentumSchedule(ISchedule s) { this.momentumSchedule = s; return this; }
        public Nesterovs build() {
            Nesterovs n = new Nesterovs(learningRate, momentum);
            n.learningRateSchedule = learningRateSchedule;
            n.momentumSchedule = momentumSchedule;
            return n;
        }
    }
}
