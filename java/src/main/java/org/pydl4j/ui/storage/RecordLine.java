package org.pydl4j.ui.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record with its kind (static information or update), in the form {@code {"static": bool, "record": {...}}}
 * that {@link FileStatsStorage} writes one a line and {@link RemoteUIStatsStorageRouter} posts in arrays.
 */
public record RecordLine(boolean isStatic, StatsReport report) {
    public static RecordLine of(Persistable record, boolean isStatic) {
        StatsReport r = record instanceof StatsReport ? (StatsReport) record
                : new StatsReport(record.getSessionID(), record.getTypeID(), record.getWorkerID(), record.getTimeStamp(),
                record.getValues());
        return new RecordLine(isStatic, r);
    }

    public Map<String, Object> toTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("static", isStatic);
        m.put("record", report.toJsonTree());
        return m;
    }

    /** Reads the tree form; a bad one is an {@link IllegalArgumentException}. */
    public static RecordLine fromTree(Object tree) {
        if (!(tree instanceof Map) || !(((Map<?, ?>) tree).get("static") instanceof Boolean)) {
            throw new IllegalArgumentException("expected {\"static\": true|false, \"record\": {...}}");
        }
        Map<?, ?> m = (Map<?, ?>) tree;
        return new RecordLine((Boolean) m.get("static"), StatsReport.fromTree(m.get("record")));
    }

    /** Hands the record to a router as what it is. */
    public void routeTo(StatsStorageRouter router) {
        if (isStatic) router.putStaticInfo(report); else router.putUpdate(report);
    }
}
