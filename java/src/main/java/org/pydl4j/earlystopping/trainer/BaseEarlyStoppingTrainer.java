package org.pydl4j.earlystopping.trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pydl4j.earlystopping.EarlyStoppingConfiguration;
import org.pydl4j.earlystopping.EarlyStoppingModelSaver;
import org.pydl4j.earlystopping.EarlyStoppingResult;
import org.pydl4j.earlystopping.EarlyStoppingResult.TerminationReason;
import org.pydl4j.earlystopping.listener.EarlyStoppingListener;
import org.pydl4j.earlystopping.termination.EpochTerminationCondition;
import org.pydl4j.earlystopping.termination.IterationTerminationCondition;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.api.Model;

/**
 * The early-stopping loop shared by the graph and layer-stack trainers, as DL4J's {@code BaseEarlyStoppingTrainer}:
 * per epoch, fit every training minibatch (checking the iteration conditions after each), then on evaluated epochs
 * score the held-out data, save the model when the score is the best so far (strictly better), optionally save
 * the latest, and check the epoch conditions. An exception during training ends the run with
 * {@link TerminationReason#Error} and the best model saved until then.
 */
public abstract class BaseEarlyStoppingTrainer<T extends Model> implements IEarlyStoppingTrainer<T> {
    protected final EarlyStoppingConfiguration<T> esConfig;
    protected final T model;
    protected final DataSetIterator train;
    private EarlyStoppingListener<T> listener;

    protected BaseEarlyStoppingTrainer(EarlyStoppingConfiguration<T> esConfig, T model, DataSetIterator train) {
        if (esConfig == null || model == null || train == null) {
            throw new IllegalArgumentException("early stopping needs a configuration, a network and a training iterator");
        }
        esConfig.validate();
        if (!train.resetSupported()) throw new IllegalArgumentException("early stopping: the training iterator must be resettable (one pass per epoch)");
        this.esConfig = esConfig;
        this.model = model;
        this.train = train;
    }

    /** One training step of the network on a minibatch. */
    protected abstract void fitBatch(DataSet ds);

    /** Marks the end of an epoch on the network (its epoch counter; schedules by epoch read it). */
    protected abstract void epochDone();

    @Override public void setListener(EarlyStoppingListener<T> listener) { this.listener = listener; }

    @Override
    public EarlyStoppingResult<T> fit() {
        for (EpochTerminationCondition c : esConfig.getEpochTerminationConditions()) c.initialize();
        for (IterationTerminationCondition c : esConfig.getIterationTerminationConditions()) c.initialize();
        if (listener != null) listener.onStart(esConfig, model);
        Map<Integer, Double> scoreVsEpoch = new LinkedHashMap<>();
        boolean minimize = esConfig.getScoreCalculator().minimizeScore();
        int bestEpoch = -1;
        double bestScore = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        for (int epoch = 0; ; epoch++) {
            IterationTerminationCondition stoppedBy;
            try {
                stoppedBy = trainEpoch();
            } catch (RuntimeException e) {
                return finish(TerminationReason.Error, e.getClass().getSimpleName() + ": " + e.getMessage(), scoreVsEpoch, bestEpoch, bestScore, epoch + 1);
            }
            if (stoppedBy != null) {
                return finish(TerminationReason.IterationTerminationCondition, stoppedBy.toString(), scoreVsEpoch, bestEpoch, bestScore, epoch + 1);
            }
            epochDone();
            if ((epoch + 1) % esConfig.getEvaluateEveryNEpochs() != 0) continue;
            double score = scoreOf(model);
            scoreVsEpoch.put(epoch, score);
            if (isBetter(score, bestScore, minimize) || bestEpoch < 0 && !Double.isNaN(score)) {
                bestScore = score;
                bestEpoch = epoch;
                save(esConfig.getModelSaver(), true, score);
            }
            if (esConfig.isSaveLastModel()) save(esConfig.getModelSaver(), false, score);
            if (listener != null) listener.onEpoch(epoch, score, esConfig, model);
            for (EpochTerminationCondition c : esConfig.getEpochTerminationConditions()) {
                if (c.terminate(epoch, score, minimize)) {
                    return finish(TerminationReason.EpochTerminationCondition, c.toString(), scoreVsEpoch, bestEpoch, bestScore, epoch + 1);
                }
            }
        }
    }

    /** Fits one pass over the training data; the iteration condition that stopped it, or null. */
    private IterationTerminationCondition trainEpoch() {
        train.reset();
        while (train.hasNext()) {
            fitBatch(train.next());
            double last = model.score();
            for (IterationTerminationCondition c : esConfig.getIterationTerminationConditions()) {
                if (c.terminate(last)) return c;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private double scoreOf(T net) {
        return ((org.pydl4j.earlystopping.scorecalc.ScoreCalculator<T>) esConfig.getScoreCalculator()).calculateScore(net);
    }

    private static boolean isBetter(double score, double best, boolean minimize) {
        return minimize ? score < best : score > best;   // NaN compares false: never the best
    }

    private void save(EarlyStoppingModelSaver<T> saver, boolean best, double score) {
        try {
            if (best) saver.saveBestModel(model, score); else saver.saveLatestModel(model, score);
        } catch (IOException e) {
            throw new UncheckedIOException("early stopping: cannot save the " + (best ? "best" : "latest") + " model: " + e.getMessage(), e);
        }
    }

    private EarlyStoppingResult<T> finish(TerminationReason reason, String details, Map<Integer, Double> scoreVsEpoch, int bestEpoch,
                                          double bestScore, int totalEpochs) {
        T best;
        try {
            best = esConfig.getModelSaver().getBestModel();
        } catch (IOException e) {
            throw new UncheckedIOException("early stopping: cannot read back the best model: " + e.getMessage(), e);
        }
        EarlyStoppingResult<T> result = new EarlyStoppingResult<>(reason, details, scoreVsEpoch, bestEpoch,
                bestEpoch < 0 ? Double.NaN : bestScore, totalEpochs, best);
        if (listener != null) listener.onCompletion(result);
        return result;
    }
}
