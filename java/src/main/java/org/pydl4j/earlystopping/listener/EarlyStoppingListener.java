package org.pydl4j.earlystopping.listener;

import org.pydl4j.earlystopping.EarlyStoppingConfiguration;
import org.pydl4j.earlystopping.EarlyStoppingResult;
import org.pydl4j.nn.api.Model;

/** Hears an early-stopping run's progress (a progress bar, logging), as DL4J's {@code EarlyStoppingListener}. */
public interface EarlyStoppingListener<T extends Model> {
    void onStart(EarlyStoppingConfiguration<T> esConfig, T net);

    /** After each evaluated epoch (epochs counted from 0) with its held-out score. */
    void onEpoch(int epochNum, double score, EarlyStoppingConfiguration<T> esConfig, T net);

    void onCompletion(EarlyStoppingResult<T> esResult);
}
