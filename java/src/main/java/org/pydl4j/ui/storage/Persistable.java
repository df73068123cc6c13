package org.pydl4j.ui.storage;

import java.util.Map;

/**
 * One stored record of a training session, as DL4J's {@code Persistable}: which session, which kind of reporter
 * ({@code typeID}, e.g. {@code "StatsListener"}), which worker, when, and its values (a JSON object tree: maps,
 * lists, strings, numbers, booleans).
 */
public interface Persistable {
    String getSessionID();

    String getTypeID();

    String getWorkerID();

    /** Milliseconds since the epoch. */
    long getTimeStamp();

    /** The values, as an unmodifiable JSON object tree. */
    Map<String, Object> getValues();
}
