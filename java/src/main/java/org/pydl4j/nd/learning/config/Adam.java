package org.pydl4j.nd.learning.config;

import java.util.Objects;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.AdamUpdater;
import org.pydl4j.nd.learning.GradientUpdater;

/**
 * Adam as ND4J: m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; with t = iteration + 1,
 * update = lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps). Defaults: lr 1e-3, beta1 0.9, beta2 0.999,
 * epsilon 1e-8. State: m then v.
 */
public class Adam implements IUpdater {
    public static final double DEFAULT_ADAM_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_ADAM_EPSILON = 1e-8;
    public static final double DEFAULT_ADAM_BETA1_MEAN_DECAY = 0.9;
    public static final double DEFAULT_ADAM_BETA2_VAR_DECAY = 0.999;

    private double learningRate = DEFAULT_ADAM_LEARNING_RATE;
    private double beta1 = DEFAULT_ADAM_BETA1_MEAN_DECAY;
    private double beta2 = DEFAULT_ADAM_BETA2_VAR_DECAY;
    private double epsilon = DEFAULT_ADAM_EPSILON;

    public Adam() {}

    public Adam(double learningRate) { this.learningRate = learningRate; }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this.learningRate = learningRate; this.beta1 = beta1; this.beta2 = beta2; this.epsilon = epsilon;
    }

    public static Builder builder() { return new Builder(); }

    public double getLearningRate() { return learningRate; }
    public void setLearningRate(double lr) { this.learningRate = lr; }
    public double getBeta1() { return beta1; }
    public void setBeta1(double b) { this.beta1 = b; }
    public double getBeta2() { return beta2; }
    public void setBeta2(double b) { this.beta2 = b; }
    public double getEpsilon() { return epsilon; }
    public void setEpsilon(double e) { this.epsilon = e; }

    @Override public long stateSize(long numParams) { return 2 * numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new AdamUpdater(this, viewArray, initializeViewArray);
    }

    @Override public Adam clone() { return new Adam(learningRate, beta1, beta2, epsilon); }
    @Override public double getLearningRate(int iteration, int epoch) { return learningRate; }
    @Override public boolean hasLearningRate() { return true; }
    @Override public void setLrAndSchedule(double lr, Object schedule) { this.learningRate = lr; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Adam)) return false;
        Adam a = (Adam) o;
        return a.learningRate == learningRate && a.beta1 == beta1 && a.beta2 == beta2 && a.epsilon == epsilon;
    }
    @Override public int hashCode() { return Objects.hash("Adam", learningRate, beta1, beta2, epsilon); }
    @Override
    public String toString() {
        return "Adam(learningRate=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ")";
    }

    public static class Builder {
        private double learningRate = DEFAULT_ADAM_LEARNING_RATE, beta1 = DEFAULT_ADAM_BETA1_MEAN_DECAY,
                beta2 = DEFAULT_ADAM_BETA2_VAR_DECAY, epsilon = DEFAULT_ADAM_EPSILON;
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Builder beta1(double b) { this.beta1 = b; return this; }
        public Builder beta2(double b) { this.beta2 = b; return this; }
        public Builder epsilon(double e) { this.epsilon = e; return this; }
        public Adam build() { return new Adam(learningRate, beta1, beta2, epsilon); }
    }
}
