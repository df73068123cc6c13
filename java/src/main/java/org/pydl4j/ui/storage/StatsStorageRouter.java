package org.pydl4j.ui.storage;

import java.util.Collection;

/**
 * Where a {@link org.pydl4j.ui.stats.StatsListener} sends its records, as DL4J's {@code StatsStorageRouter}: a
 * {@link StatsStorage} in this JVM, or a {@link RemoteUIStatsStorageRouter} posting to a UI in another process.
 * Implementations never block a training thread on a reader (a web page) of the records.
 */
public interface StatsStorageRouter {
    /** Information about a session that does not change while it runs (the model, the job's settings). */
    void putStaticInfo(Persistable staticInfo);

    default void putStaticInfo(Collection<? extends Persistable> staticInfo) {
        for (Persistable p : staticInfo) putStaticInfo(p);
    }

    /** One update of a running session (an iteration's score, an epoch's metrics, an evaluation). */
    void putUpdate(Persistable update);

    default void putUpdate(Collection<? extends Persistable> updates) {
        for (Persistable p : updates) putUpdate(p);
    }
}
