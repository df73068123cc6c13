package org.pydl4j.earlystopping.termination;

/** Stops once the score reaches {@code bestExpectedScore} (at or below it when minimizing), as DL4J. */
public class BestScoreEpochTerminationCondition implements EpochTerminationCondition {
    private final double bestExpectedScore;

    public BestScoreEpochTerminationCondition(double bestExpectedScore) {
        if (Double.isNaN(bestExpectedScore)) throw new IllegalArgumentException("BestScoreEpochTerminationCondition: bestExpectedScore is NaN");
        this.bestExpectedScore = bestExpectedScore;
    }

    @Override public void initialize() {}

    @Override
    public boolean terminate(int epochNum, double score, boolean minimize) {
        return minimize ? score <= bestExpectedScore : score >= bestExpectedScore;
    }

    @Override public String toString() { return "BestScoreEpochTerminationCondition(" + bestExpectedScore + ")"; }
}
