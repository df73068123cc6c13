package org.pydl4j.ui.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.pydl4j.util.json.Json;

/**
 * The one {@link Persistable} kind of this UI: identification plus a JSON object of values. Its JSON form
 * ({@link #toJson}/{@link #fromJson}) is what {@link FileStatsStorage} writes, one record a line, and what
 * {@link RemoteUIStatsStorageRouter} posts; {@link #fromJson} takes nothing on trust (size, nesting depth, types,
 * identifier characters are checked), since a post or a file may come from anyone.
 */
public record StatsReport(String sessionID, String typeID, String workerID, long timeStamp, Map<String, Object> values)
        implements Persistable {
    /** Identifiers appear in URLs and file lines: letters, digits, '_' and '-', at most 64. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The largest JSON form accepted (a record with a dozen thumbnails fits easily). */
    public static final int MAX_JSON_CHARS = 1 << 20;
    /** The deepest nesting of objects and arrays accepted. */
    public static final int MAX_DEPTH = 16;

    public StatsReport {
        checkId("sessionID", sessionID);
        checkId("typeID", typeID);
        checkId("workerID", workerID);
        if (values == null) throw new IllegalArgumentException("StatsReport: values is null");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A record stamped with the current time. */
    public static StatsReport of(String sessionID, String typeID, String workerID, Map<String, Object> values) {
        return new StatsReport(sessionID, typeID, workerID, System.currentTimeMillis(), values);
    }

    /** Identifiers already checked: a listener stamps every record with the same few, checked once here. */
    private static final java.util.Set<String> CHECKED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_CHECKED = 10_000;

    private static void checkId(String what, String id) {
        if (id != null && CHECKED.contains(id)) return;
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("StatsReport: " + what + " must be 1-64 letters, digits, '_' or '-', got "
                    + (id == null ? "null" : "'" + id.substring(0, Math.min(id.length(), 80)) + "'"));
        }
        if (CHECKED.size() < MAX_CHECKED) CHECKED.add(id);
    }

    @Override public String getSessionID() { return sessionID; }
    @Override public String getTypeID() { return typeID; }
    @Override public String getWorkerID() { return workerID; }
    @Override public long getTimeStamp() { return timeStamp; }
    @Override public Map<String, Object> getValues() { return values; }

    /** The record as a JSON object tree. */
    public Map<String, Object> toJsonTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionID", sessionID);
        m.put("typeID", typeID);
        m.put("workerID", workerID);
        m.put("timeStamp", timeStamp);
        m.put("values", values);
        return m;
    }

    /** One line of JSON. */
    public String toJson() { return Json.writeCompact(toJsonTree()); }

    /** Reads a record written by {@link #toJson}; a bad one is an {@link IllegalArgumentException} saying why. */
    public static StatsReport fromJson(String text) {
        return fromTree(parseBounded(text));
    }

    /** Parses JSON text of at most {@link #MAX_JSON_CHARS} characters nested at most {@link #MAX_DEPTH} deep. */
    public static Object parseBounded(String text) {
        if (text.length() > MAX_JSON_CHARS) {
            throw new IllegalArgumentException("StatsReport: " + text.length() + " characters, more than " + MAX_JSON_CHARS);
        }
        checkDepth(text);
        return Json.parse(text);
    }

    @SuppressWarnings("unchecked")
    public static StatsReport fromTree(Object tree) {
        if (!(tree instanceof Map)) throw new IllegalArgumentException("StatsReport: not a JSON object");
        Map<String, Object> m = (Map<String, Object>) tree;
        Object values = m.get("values"), time = m.get("timeStamp");
        if (!(values instanceof Map)) throw new IllegalArgumentException("StatsReport: 'values' is not an object");
        if (!(time instanceof Long)) throw new IllegalArgumentException("StatsReport: 'timeStamp' is not a whole number");
        return new StatsReport(string(m, "sessionID"), string(m, "typeID"), string(m, "workerID"), (Long) time,
                (Map<String, Object>) values);
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String)) throw new IllegalArgumentException("StatsReport: '" + key + "' is not a string");
        return (String) v;
    }

    /** The recursive parser must never meet a nesting deep enough to exhaust the stack: counted first. */
    private static void checkDepth(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) throw new IllegalArgumentException("StatsReport: nested deeper than " + MAX_DEPTH);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
    }
}
