package org.pydl4j.ui.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.ui.storage.Persistable;
import org.pydl4j.ui.storage.StatsStorage;

/**
 * The JSON the page reads: the list of sessions of every attached storage, and one session's static information
 * with its updates from an index on (a polling page asks only for what is new).
 */
final class SessionApi {
    /** Updates per response at most (a page catches up on a long run in a few requests). */
    static final int MAX_UPDATES = 5000;

    private SessionApi() {}

    static Map<String, Object> sessions(List<StatsStorage> storages) {
        List<Object> list = new ArrayList<>();
        for (StatsStorage s : storages) {
            for (String id : s.listSessionIDs()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", id);
                Object title = null;
                for (Persistable p : s.getAllStaticInfos(id)) {
                    if (p.getValues().get("title") instanceof String) title = p.getValues().get("title");
                }
                row.put("title", title != null ? title : id);
                row.put("staticCount", (long) s.getAllStaticInfos(id).size());
                row.put("updates", (long) s.getNumUpdateRecordsFor(id));
                Persistable last = s.getLatestUpdate(id);
                row.put("lastUpdate", last == null ? null : last.getTimeStamp());
                list.add(row);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessions", list);
        return out;
    }

    /**
     * One session's records from update index {@code from}, with its static information when {@code withStatic}
     * (a page asks for it again only when the session list says it changed); null when no attached storage has
     * the session.
     */
    static Map<String, Object> session(List<StatsStorage> storages, String id, int from, boolean withStatic) {
        for (StatsStorage s : storages) {
            if (!s.sessionExists(id)) continue;
            List<Object> statics = withStatic ? new ArrayList<>() : null, updates = new ArrayList<>();
            if (withStatic) for (Persistable p : s.getAllStaticInfos(id)) statics.add(record(p));
            List<Persistable> page = s.getUpdates(id, from, MAX_UPDATES);
            for (Persistable p : page) updates.add(record(p));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("static", statics);
            out.put("updates", updates);
            out.put("from", (long) from);
            out.put("next", (long) from + page.size());
            out.put("total", (long) s.getNumUpdateRecordsFor(id));
            return out;
        }
        return null;
    }

    private static Map<String, Object> record(Persistable p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("typeID", p.getTypeID());
        m.put("workerID", p.getWorkerID());
        m.put("timeStamp", p.getTimeStamp());
        m.put("values", p.getValues());
        return m;
    }
}
