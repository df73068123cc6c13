package org.pydl4j.ui.storage;

/** Records kept in memory for as long as the JVM runs, as DL4J's {@code InMemoryStatsStorage}. */
public class InMemoryStatsStorage extends BaseStatsStorage {
    @Override
    public String toString() { return "InMemoryStatsStorage(" + listSessionIDs().size() + " sessions)"; }
}
