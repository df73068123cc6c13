package org.pydl4j.ui.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions held in memory: static information and updates per session in {@link AppendLog}s, so writers (training
 * threads) and readers (the UI's HTTP threads) never wait on each other. Subclasses may persist each record
 * ({@link #persist}) before it becomes visible.
 */
public abstract class BaseStatsStorage implements StatsStorage {
    /** Sessions beyond this are refused (a remote sender cannot fill the memory with sessions). */
    public static final int MAX_SESSIONS = 1000;

    private static final class Session {
        final AppendLog<Persistable> staticInfo = new AppendLog<>(), updates = new AppendLog<>();
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    /** Called before a record is stored (under no lock a reader takes). */
    protected void persist(Persistable record, boolean isStatic) {}

    private Session session(String id, boolean create) {
        Session s = sessions.get(id);
        if (s != null || !create) return s;
        synchronized (order) {
            s = sessions.get(id);
            if (s == null) {
                if (sessions.size() >= MAX_SESSIONS) {
                    throw new IllegalStateException(getClass().getSimpleName() + ": more than " + MAX_SESSIONS + " sessions");
                }
                s = new Session();
                sessions.put(id, s);
                order.add(id);
            }
            return s;
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(getClass().getSimpleName() + " is closed");
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) {
        checkOpen();
        persist(staticInfo, true);
        session(staticInfo.getSessionID(), true).staticInfo.add(staticInfo);
    }

    @Override
    public void putUpdate(Persistable update) {
        checkOpen();
        persist(update, false);
        session(update.getSessionID(), true).updates.add(update);
    }

    /** Stores a record read back from a file, without persisting it again. */
    protected void restore(Persistable record, boolean isStatic) {
        Session s = session(record.getSessionID(), true);
        (isStatic ? s.staticInfo : s.updates).add(record);
    }

    @Override
    public List<String> listSessionIDs() {
        synchronized (order) { return new ArrayList<>(order); }
    }

    @Override
    public boolean sessionExists(String sessionID) { return sessionID != null && sessions.containsKey(sessionID); }

    @Override
    public List<Persistable> getAllStaticInfos(String sessionID) {
        Session s = sessionID == null ? null : sessions.get(sessionID);
        return s == null ? Collections.emptyList() : s.staticInfo.range(0, Integer.MAX_VALUE);
    }

    @Override
    public int getNumUpdateRecordsFor(String sessionID) {
        Session s = sessionID == null ? null : sessions.get(sessionID);
        return s == null ? 0 : s.updates.size();
    }

    @Override
    public List<Persistable> getUpdates(String sessionID, int from, int max) {
        Session s = sessionID == null ? null : sessions.get(sessionID);
        return s == null ? Collections.emptyList() : s.updates.range(from, max);
    }

    @Override
    public Persistable getLatestUpdate(String sessionID) {
        Session s = sessionID == null ? null : sessions.get(sessionID);
        int n = s == null ? 0 : s.updates.size();
        return n == 0 ? null : s.updates.get(n - 1);
    }

    @Override
    public boolean isClosed() { return closed; }

    @Override
    public void close() { closed = true; }
}
