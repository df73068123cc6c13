package org.pydl4j.earlystopping.termination;

/** Stops when a minibatch score exceeds {@code maxScore} or is NaN (training diverged), as DL4J. */
public class MaxScoreIterationTerminationCondition implements IterationTerminationCondition {
    private final double maxScore;

    public MaxScoreIterationTerminationCondition(double maxScore) {
        if (Double.isNaN(maxScore)) throw new IllegalArgumentException("MaxScoreIterationTerminationCondition: maxScore is NaN");
        this.maxScore = maxScore;
    }

    @Override public void initialize() {}

    @Override public boolean terminate(double lastMiniBatchScore) { return Double.isNaN(lastMiniBatchScore) || lastMiniBatchScore > maxScore; }

    @Override public String toString() { return "MaxScoreIterationTerminationCondition(" + maxScore + ")"; }
}
