package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.SgdUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/** Plain stochastic gradient descent: update = learningRate * gradient. Default learning rate 1e-3 (as ND4J). */
public class Sgd extends BaseLearningRateConfig {
    /** The saved fields (after BaseLearningRateConfig's). */
    public static final JsonType<Sgd> JSON = BaseLearningRateConfig.JSON.extend(Sgd.class, Sgd::new)
            .named("updater.Sgd")
            .build();

    public static final double DEFAULT_SGD_LR = 1e-3;

    public Sgd() { this(DEFAULT_SGD_LR); }

    public Sgd(double learningRate) { super(learningRate, null); }

    /** The learning rate follows the schedule. */
    public Sgd(ISchedule learningRateSchedule) { super(DEFAULT_SGD_LR, learningRateSchedule); }

    public static Builder builder() { return new Builder(); }

    @Override public long stateSize(long numParams) { return 0; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        if (viewArray != null && viewArray.length() != 0) throw new IllegalArgumentException("Sgd keeps no state, got a view of " + viewArray.length());
        return new SgdUpdater(this);
    }

    @Override public Sgd clone() { return (Sgd) super.clone(); }

    @Override
    public String toString() {
        return "Sgd(learningRate=" + learningRate + (learningRateSchedule == null ? "" : ", schedule=" + learningRateSchedule) + ")";
    }

    public static class Builder {
        private double learningRate = DEFAULT_SGD_LR;
        private ISchedule learningRateSchedule;
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Builder learningRateSchedule(ISchedule s) { this.learningRateSchedule = s; return this; }
        public Sgd build() { Sgd s = new Sgd(learningRate); s.learningRateSchedule = learningRateSchedule; return s; }
    }
}
