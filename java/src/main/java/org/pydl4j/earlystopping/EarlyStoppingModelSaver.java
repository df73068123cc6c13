package org.pydl4j.earlystopping;

import java.io.IOException;
import org.pydl4j.nn.api.Model;

/** Keeps the best (and optionally the latest) network of an early-stopping run, as DL4J's interface of that name. */
public interface EarlyStoppingModelSaver<T extends Model> {
    void saveBestModel(T net, double score) throws IOException;

    void saveLatestModel(T net, double score) throws IOException;

    /** The best network saved so far, null when none was saved. */
    T getBestModel() throws IOException;

    /** The latest network saved, null when none was saved. */
    T getLatestModel() throws IOException;
}
