package org.pydl4j.ui.server;

import java.util.ArrayList;
import java.util.List;
import org.pydl4j.ui.storage.RecordLine;
import org.pydl4j.ui.storage.StatsReport;
import org.pydl4j.ui.storage.StatsStorageRouter;

/**
 * What {@code POST /remoteReceive} does with a body a {@link org.pydl4j.ui.storage.RemoteUIStatsStorageRouter}
 * sent: a JSON array of {@link RecordLine}s, every record checked ({@link StatsReport#fromTree}'s rules) before
 * any is stored, so a bad post stores nothing.
 */
final class RemoteReceiver {
    /** Largest body accepted (bytes). */
    static final int MAX_BODY = StatsReport.MAX_JSON_CHARS;
    static final int MAX_RECORDS = 5000;

    private RemoteReceiver() {}

    /** Stores the records of a body; returns how many. Bad input: {@link IllegalArgumentException}. */
    static int receive(String body, StatsStorageRouter router) {
        Object tree = StatsReport.parseBounded(body);
        if (!(tree instanceof List)) throw new IllegalArgumentException("expected a JSON array of records");
        List<?> items = (List<?>) tree;
        if (items.size() > MAX_RECORDS) throw new IllegalArgumentException(items.size() + " records, more than " + MAX_RECORDS);
        List<RecordLine> lines = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                lines.add(RecordLine.fromTree(items.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("record " + i + ": " + e.getMessage(), e);
            }
        }
        for (RecordLine line : lines) line.routeTo(router);
        return lines.size();
    }
}
