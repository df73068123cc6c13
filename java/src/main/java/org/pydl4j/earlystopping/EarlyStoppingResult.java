package org.pydl4j.earlystopping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pydl4j.nn.api.Model;

/** How an early-stopping run ended and its best model, as DL4J's {@code EarlyStoppingResult}. */
public class EarlyStoppingResult<T extends Model> {
    public enum TerminationReason { Error, IterationTerminationCondition, EpochTerminationCondition }

    private final TerminationReason terminationReason;
    private final String terminationDetails;
    private final Map<Integer, Double> scoreVsEpoch;
    private final int bestModelEpoch;
    private final double bestModelScore;
    private final int totalEpochs;
    private final T bestModel;

    public EarlyStoppingResult(TerminationReason terminationReason, String terminationDetails, Map<Integer, Double> scoreVsEpoch,
                               int bestModelEpoch, double bestModelScore, int totalEpochs, T bestModel) {
        this.terminationReason = terminationReason;
        this.terminationDetails = terminationDetails;
        this.scoreVsEpoch = Collections.unmodifiableMap(new LinkedHashMap<>(scoreVsEpoch));
        this.bestModelEpoch = bestModelEpoch;
        this.bestModelScore = bestModelScore;
        this.totalEpochs = totalEpochs;
        this.bestModel = bestModel;
    }

    public TerminationReason getTerminationReason() { return terminationReason; }
    /** The condition that stopped the run (its toString), or the error's message. */
    public String getTerminationDetails() { return terminationDetails; }
    /** The held-out score of every evaluated epoch (epochs counted from 0), in order. */
    public Map<Integer, Double> getScoreVsEpoch() { return scoreVsEpoch; }
    /** The epoch whose model was kept as best, -1 when no epoch was evaluated. */
    public int getBestModelEpoch() { return bestModelEpoch; }
    public double getBestModelScore() { return bestModelScore; }
    /** Epochs trained, the interrupted one included. */
    public int getTotalEpochs() { return totalEpochs; }
    /** The best model as the saver kept it (null when none was saved). */
    public T getBestModel() { return bestModel; }

    @Override
    public String toString() {
        return "EarlyStoppingResult(terminationReason=" + terminationReason + ", details=" + terminationDetails + ", bestModelEpoch="
                + bestModelEpoch + ", bestModelScore=" + bestModelScore + ", totalEpochs=" + totalEpochs + ")";
    }
}
