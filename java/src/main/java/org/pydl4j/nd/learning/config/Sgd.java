package org.pydl4j.nd.learning.config;

import java.util.Objects;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.SgdUpdater;

/** Plain stochastic gradient descent: update = learningRate * gradient. Default learning rate 1e-3 (as ND4J). */
public class Sgd implements IUpdater {
    public static final double DEFAULT_SGD_LR = 1e-3;

    private double learningRate = DEFAULT_SGD_LR;

    public Sgd() {}

    public Sgd(double learningRate) { this.learningRate = learningRate; }

    public static Builder builder() { return new Builder(); }

    public double getLearningRate() { return learningRate; }

    public void setLearningRate(double lr) { this.learningRate = lr; }

    @Override public long stateSize(long numParams) { return 0; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        if (viewArray != null && viewArray.length() != 0) throw new IllegalArgumentException("Sgd keeps no state, got a view of " + viewArray.length());
        return new SgdUpdater(this);
    }

    @Override public Sgd clone() { return new Sgd(learningRate); }
    @Override public double getLearningRate(int iteration, int epoch) { return learningRate; }
    @Override public boolean hasLearningRate() { return true; }
    @Override public void setLrAndSchedule(double lr, Object schedule) { this.learningRate = lr; }

    @Override public boolean equals(Object o) { return o instanceof Sgd && ((Sgd) o).learningRate == learningRate; }
    @Override public int hashCode() { return Objects.hash("Sgd", learningRate); }
    @Override public String toString() { return "Sgd(learningRate=" + learningRate + ")"; }

    public static class Builder {
        private double learningRate = DEFAULT_SGD_LR;
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Sgd build() { return new Sgd(learningRate); }
    }
}
