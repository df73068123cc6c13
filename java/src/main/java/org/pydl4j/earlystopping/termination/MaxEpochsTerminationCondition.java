package org.pydl4j.earlystopping.termination;

/** Stops once {@code maxEpochs} epochs have run (epochs counted from 0), as DL4J's class of that name. */
public class MaxEpochsTerminationCondition implements EpochTerminationCondition {
    private final int maxEpochs;

    public MaxEpochsTerminationCondition(int maxEpochs) {
        if (maxEpochs < 1) throw new IllegalArgumentException("MaxEpochsTerminationCondition: maxEpochs must be >= 1, got " + maxEpochs);
        this.maxEpochs = maxEpochs;
    }

    public int getMaxEpochs() { return maxEpochs; }

    @Override public void initialize() {}

    @Override public boolean terminate(int epochNum, double score, boolean minimize) { return epochNum + 1 >= maxEpochs; }

    @Override public String toString() { return "MaxEpochsTerminationCondition(" + maxEpochs + ")"; }
}
