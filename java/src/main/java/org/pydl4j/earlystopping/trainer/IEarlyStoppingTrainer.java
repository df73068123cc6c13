package org.pydl4j.earlystopping.trainer;

import org.pydl4j.earlystopping.EarlyStoppingResult;
import org.pydl4j.earlystopping.listener.EarlyStoppingListener;
import org.pydl4j.nn.api.Model;

/** Trains until a termination condition holds, keeping the best model, as DL4J's interface of that name. */
public interface IEarlyStoppingTrainer<T extends Model> {
    EarlyStoppingResult<T> fit();

    void setListener(EarlyStoppingListener<T> listener);
}
