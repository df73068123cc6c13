package org.pydl4j.earlystopping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.pydl4j.earlystopping.saver.InMemoryModelSaver;
import org.pydl4j.earlystopping.scorecalc.ScoreCalculator;
import org.pydl4j.earlystopping.termination.EpochTerminationCondition;
import org.pydl4j.earlystopping.termination.IterationTerminationCondition;
import org.pydl4j.nn.api.Model;

/**
 * How an early-stopping run trains, scores and stops, as DL4J's {@code EarlyStoppingConfiguration}:
 * <pre>
 * new EarlyStoppingConfiguration.Builder&lt;ComputationGraph&gt;()
 *     .epochTerminationConditions(new MaxEpochsTerminationCondition(30), new ScoreImprovementEpochTerminationCondition(5))
 *     .scoreCalculator(new DataSetLossCalculator(validationIterator, true))
 *     .evaluateEveryNEpochs(1)
 *     .modelSaver(new LocalFileGraphSaver(dir))
 *     .build();
 * </pre>
 * The score calculator runs every {@code evaluateEveryNEpochs} epochs; epoch termination conditions are checked on
 * those epochs (with that score), iteration termination conditions after every minibatch. The default saver keeps
 * the best model in memory.
 */
public class EarlyStoppingConfiguration<T extends Model> {
    private final EarlyStoppingModelSaver<T> modelSaver;
    private final List<EpochTerminationCondition> epochTerminationConditions;
    private final List<IterationTerminationCondition> iterationTerminationConditions;
    private final boolean saveLastModel;
    private final int evaluateEveryNEpochs;
    private final ScoreCalculator<? super T> scoreCalculator;

    private EarlyStoppingConfiguration(Builder<T> b) {
        this.modelSaver = b.modelSaver == null ? new InMemoryModelSaver<>() : b.modelSaver;
        this.epochTerminationConditions = Collections.unmodifiableList(new ArrayList<>(b.epochTerminationConditions));
        this.iterationTerminationConditions = Collections.unmodifiableList(new ArrayList<>(b.iterationTerminationConditions));
        this.saveLastModel = b.saveLastModel;
        this.evaluateEveryNEpochs = b.evaluateEveryNEpochs;
        this.scoreCalculator = b.scoreCalculator;
    }

    public EarlyStoppingModelSaver<T> getModelSaver() { return modelSaver; }
    public List<EpochTerminationCondition> getEpochTerminationConditions() { return epochTerminationConditions; }
    public List<IterationTerminationCondition> getIterationTerminationConditions() { return iterationTerminationConditions; }
    public boolean isSaveLastModel() { return saveLastModel; }
    public int getEvaluateEveryNEpochs() { return evaluateEveryNEpochs; }
    public ScoreCalculator<? super T> getScoreCalculator() { return scoreCalculator; }

    /** Checks that the run can end and be scored (also done by {@link Builder#build()}). */
    public void validate() {
        if (scoreCalculator == null) {
            throw new IllegalStateException("EarlyStoppingConfiguration: no scoreCalculator; early stopping needs a held-out score "
                    + "(e.g. new DataSetLossCalculator(validationIterator, true))");
        }
        if (epochTerminationConditions.isEmpty() && iterationTerminationConditions.isEmpty()) {
            throw new IllegalStateException("EarlyStoppingConfiguration: no termination condition, so training would never end; "
                    + "add e.g. new MaxEpochsTerminationCondition(30)");
        }
    }

    @Override
    public String toString() {
        return "EarlyStoppingConfiguration(epochTerminationConditions=" + epochTerminationConditions + ", iterationTerminationConditions="
                + iterationTerminationConditions + ", scoreCalculator=" + scoreCalculator + ", evaluateEveryNEpochs=" + evaluateEveryNEpochs
                + ", modelSaver=" + modelSaver + ", saveLastModel=" + saveLastModel + ")";
    }

    public static class Builder<T extends Model> {
        private EarlyStoppingModelSaver<T> modelSaver;
        private final List<EpochTerminationCondition> epochTerminationConditions = new ArrayList<>();
        private final List<IterationTerminationCondition> iterationTerminationConditions = new ArrayList<>();
        private boolean saveLastModel;
        private int evaluateEveryNEpochs = 1;
        private ScoreCalculator<? super T> scoreCalculator;

        public Builder<T> modelSaver(EarlyStoppingModelSaver<T> saver) { this.modelSaver = saver; return this; }

        public Builder<T> saveLastModel(boolean saveLastModel) { this.saveLastModel = saveLastModel; return this; }

        public Builder<T> epochTerminationConditions(EpochTerminationCondition... conditions) {
            return epochTerminationConditions(Arrays.asList(conditions));
        }

        public Builder<T> epochTerminationConditions(List<EpochTerminationCondition> conditions) {
            epochTerminationConditions.clear();
            for (EpochTerminationCondition c : conditions) {
                if (c == null) throw new IllegalArgumentException("epochTerminationConditions: a condition is null");
                epochTerminationConditions.add(c);
            }
            return this;
        }

        public Builder<T> iterationTerminationConditions(IterationTerminationCondition... conditions) {
            return iterationTerminationConditions(Arrays.asList(conditions));
        }

        public Builder<T> iterationTerminationConditions(List<IterationTerminationCondition> conditions) {
            iterationTerminationConditions.clear();
            for (IterationTerminationCondition c : conditions) {
                if (c == null) throw new IllegalArgumentException("iterationTerminationConditions: a condition is null");
                iterationTerminationConditions.add(c);
            }
            return this;
        }

        public Builder<T> scoreCalculator(ScoreCalculator<? super T> scoreCalculator) { this.scoreCalculator = scoreCalculator; return this; }

        public Builder<T> evaluateEveryNEpochs(int n) {
            if (n < 1) throw new IllegalArgumentException("evaluateEveryNEpochs must be >= 1, got " + n);
            this.evaluateEveryNEpochs = n;
            return this;
        }

        public EarlyStoppingConfiguration<T> build() {
            EarlyStoppingConfiguration<T> conf = new EarlyStoppingConfiguration<>(this);
            conf.validate();
            return conf;
        }
    }
}
