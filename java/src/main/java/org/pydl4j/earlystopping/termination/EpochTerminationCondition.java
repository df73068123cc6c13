package org.pydl4j.earlystopping.termination;

/** Decides after an epoch's evaluation whether training stops, as DL4J's {@code EpochTerminationCondition}. */
public interface EpochTerminationCondition {
    /** Called once before training starts: forget any state from an earlier run. */
    void initialize();

    /**
     * @param epochNum the epoch just finished, counted from 0
     * @param score    that epoch's score from the score calculator
     * @param minimize whether a lower score is better
     * @return true to stop training
     */
    boolean terminate(int epochNum, double score, boolean minimize);
}
