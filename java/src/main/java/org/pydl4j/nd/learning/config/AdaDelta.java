package org.pydl4j.nd.learning.config;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.AdaDeltaUpdater;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/**
 * AdaDelta as ND4J (no learning rate): msg = rho*msg + (1-rho)*g^2; dx = sqrt(msdx + eps) / sqrt(msg + eps) * g;
 * msdx = rho*msdx + (1-rho)*dx^2; update = dx. Defaults: rho 0.95, epsilon 1e-6. State: msg then msdx.
 */
public class AdaDelta extends BaseUpdaterConfig {
    /** The saved fields (after BaseUpdaterConfig's). */
    public static final JsonType<AdaDelta> JSON = BaseUpdaterConfig.JSON.extend(AdaDelta.class, AdaDelta::new)
            .named("updater.AdaDelta")
            .field("rho", DOUBLE, o -> o.rho, (o, v) -> o.rho = v)
            .field("epsilon", DOUBLE, o -> o.epsilon, (o, v) -> o.epsilon = v)
            .check(u -> u.checkDecay("rho", u.rho))
            .build();

    public static final double DEFAULT_ADADELTA_EPSILON = 1e-6;
    public static final double DEFAULT_ADADELTA_RHO = 0.95;

    private double rho = DEFAULT_ADADELTA_RHO;
    private double epsilon = DEFAULT_ADADELTA_EPSILON;

    public AdaDelta() {}

    public AdaDelta(double rho, double epsilon) {
        this.rho = checkDecay("rho", rho);
        this.epsilon = checkFinite("epsilon", epsilon);
    }

    public static Builder builder() { return new Builder(); }

    public double getRho() { return rho; }
    public void setRho(double r) { this.rho = checkDecay("rho", r); }
    public double getEpsilon() { return epsilon; }
    public void setEpsilon(double e) { this.epsilon = checkFinite("epsilon", e); }

    @Override public long stateSize(long numParams) { return 2 * numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new AdaDeltaUpdater(this, viewArray, initializeViewArray);
    }

    @Override public AdaDelta clone() { return (AdaDelta) super.clone(); }
    @Override public double getLearningRate(int iteration, int epoch) { return Double.NaN; }
    @Override public boolean hasLearningRate() { return false; }

    @Override
    public void setLrAndSchedule(double lr, ISchedule schedule) {
        throw new UnsupportedOperationException("AdaDelta has no learning rate (it adapts its own step size)");
    }

    public static class Builder {
        private double rho = DEFAULT_ADADELTA_RHO, epsilon = DEFAULT_ADADELTA_EPSILON;
        public Builder rho(double r) { this.rho = r; return this; }
        public Builder epsilon(double e) { this.epsilon = e; return this; }
        public AdaDelta build() { return new AdaDelta(rho, epsilon); }
    }
}
