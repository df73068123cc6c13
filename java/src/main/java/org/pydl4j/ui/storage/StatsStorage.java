package org.pydl4j.ui.storage;

import java.io.Closeable;
import java.util.List;

/**
 * Records of training sessions that a {@link org.pydl4j.ui.api.UIServer} shows, as DL4J's {@code StatsStorage}.
 * Records are kept in arrival order per session; readers take them by index ({@link #getUpdates}), so a page
 * polling for what is new reads only that, and never holds up a writer.
 */
public interface StatsStorage extends StatsStorageRouter, Closeable {
    List<String> listSessionIDs();

    boolean sessionExists(String sessionID);

    /** The static information of a session in arrival order (empty for an unknown session). */
    List<Persistable> getAllStaticInfos(String sessionID);

    /** How many updates the session holds. */
    int getNumUpdateRecordsFor(String sessionID);

    /** Up to {@code max} updates of a session, from index {@code from} (0-based, arrival order). */
    List<Persistable> getUpdates(String sessionID, int from, int max);

    /** The latest update of a session, or null. */
    Persistable getLatestUpdate(String sessionID);

    boolean isClosed();

    /** Closes the storage; later writes fail with {@link IllegalStateException}. */
    @Override
    void close();
}
