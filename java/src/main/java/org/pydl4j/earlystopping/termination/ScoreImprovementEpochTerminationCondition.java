package org.pydl4j.earlystopping.termination;

/**
 * Patience: stops when the score has not improved by more than {@code minImprovement} for
 * {@code maxEpochsWithNoImprovement} epochs after the best one, as DL4J's class of that name. With patience 2 and
 * the best score at epoch 3, training stops after epoch 5 unless epoch 4 or 5 improves on it.
 */
public class ScoreImprovementEpochTerminationCondition implements EpochTerminationCondition {
    private final int maxEpochsWithNoImprovement;
    private final double minImprovement;
    private int bestEpoch = -1;
    private double bestScore;

    public ScoreImprovementEpochTerminationCondition(int maxEpochsWithNoImprovement) { this(maxEpochsWithNoImprovement, 0.0); }

    public ScoreImprovementEpochTerminationCondition(int maxEpochsWithNoImprovement, double minImprovement) {
        if (maxEpochsWithNoImprovement < 1) {
            throw new IllegalArgumentException("ScoreImprovementEpochTerminationCondition: maxEpochsWithNoImprovement must be >= 1, got "
                    + maxEpochsWithNoImprovement);
        }
        if (!(minImprovement >= 0) || Double.isInfinite(minImprovement)) {
            throw new IllegalArgumentException("ScoreImprovementEpochTerminationCondition: minImprovement must be a finite number >= 0, got " + minImprovement);
        }
        this.maxEpochsWithNoImprovement = maxEpochsWithNoImprovement;
        this.minImprovement = minImprovement;
    }

    @Override
    public void initialize() { bestEpoch = -1; bestScore = Double.NaN; }

    @Override
    public boolean terminate(int epochNum, double score, boolean minimize) {
        if (bestEpoch < 0 || improvement(score, minimize) > minImprovement) {
            bestEpoch = epochNum;
            bestScore = score;
            return false;
        }
        return epochNum >= bestEpoch + maxEpochsWithNoImprovement;
    }

    private double improvement(double score, boolean minimize) {
        if (Double.isNaN(score)) return Double.NEGATIVE_INFINITY;   // a NaN score never counts as progress
        if (Double.isNaN(bestScore)) return Double.POSITIVE_INFINITY;
        return minimize ? bestScore - score : score - bestScore;
    }

    @Override
    public String toString() {
        return "ScoreImprovementEpochTerminationCondition(maxEpochsWithNoImprovement=" + maxEpochsWithNoImprovement + ", minImprovement=" + minImprovement + ")";
    }
}
