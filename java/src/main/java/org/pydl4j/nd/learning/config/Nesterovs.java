package org.pydl4j.nd.learning.config;

import java.util.Objects;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.NesterovsUpdater;

/**
 * Nesterov momentum as ND4J: v' = mu*v - lr*g; update = mu*v - (1+mu)*v' (subtracted from the parameters).
 * Defaults: learning rate 0.1, momentum 0.9.
 */
public class Nesterovs implements IUpdater {
    public static final double DEFAULT_NESTEROV_MOMENTUM = 0.9;
    public static final double DEFAULT_NESTEROV_LEARNING_RATE = 0.1;

    private double learningRate = DEFAULT_NESTEROV_LEARNING_RATE;
    private double momentum = DEFAULT_NESTEROV_MOMENTUM;

    public Nesterovs() {}

    public Nesterovs(double learningRate) { this.learningRate = learningRate; }

    public Nesterovs(double learningRate, double momentum) { this.learningRate = learningRate; this.momentum = momentum; }

    public static Builder builder() { return new Builder(); }

    public double getLearningRate() { return learningRate; }
    public void setLearningRate(double lr) { this.learningRate = lr; }
    public double getMomentum() { return momentum; }
    public void setMomentum(double m) { this.momentum = m; }

    @Override public long stateSize(long numParams) { return numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new NesterovsUpdater(this, viewArray, initializeViewArray);
    }

    @Override public Nesterovs clone() { return new Nesterovs(learningRate, momentum); }
    @Override public double getLearningRate(int iteration, int epoch) { return learningRate; }
    @Override public boolean hasLearningRate() { return true; }
    @Override public void setLrAndSchedule(double lr, Object schedule) { this.learningRate = lr; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nesterovs && ((Nesterovs) o).learningRate == learningRate && ((Nesterovs) o).momentum == momentum;
    }
    @Override public int hashCode() { return Objects.hash("Nesterovs", learningRate, momentum); }
    @Override public String toString() { return "Nesterovs(learningRate=" + learningRate + ", momentum=" + momentum + ")"; }

    public static class Builder {
        private double learningRate = DEFAULT_NESTEROV_LEARNING_RATE, momentum = DEFAULT_NESTEROV_MOMENTUM;
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Builder momentum(double m) { this.momentum = m; return this; }
        public Nesterovs build() { return new Nesterovs(learningRate, momentum); }
    }
}
