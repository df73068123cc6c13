package org.pydl4j.ui;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.ui.storage.FileStatsStorage;
import org.pydl4j.ui.storage.InMemoryStatsStorage;
import org.pydl4j.ui.storage.Persistable;
import org.pydl4j.ui.storage.StatsReport;
import org.pydl4j.ui.storage.StatsStorage;

public class StatsStorageTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    private static StatsReport update(String session, long i) {
        return StatsReport.of(session, "StatsListener", "0", Map.of("iteration", i, "score", 1.0 / (i + 1)));
    }

    @Test
    public void inMemoryKeepsSessionsAndUpdatesInOrder() {
        StatsStorage s = new InMemoryStatsStorage();
        s.putStaticInfo(StatsReport.of("a", "TransferJob", "0", Map.of("title", "run a")));
        for (long i = 0; i < 2500; i++) s.putUpdate(update("a", i));   // spans several chunks
        s.putUpdate(update("b", 0));
        assertEquals(List.of("a", "b"), s.listSessionIDs());
        assertEquals(2500, s.getNumUpdateRecordsFor("a"));
        List<Persistable> page = s.getUpdates("a", 1020, 10);
        assertEquals(10, page.size());
        assertEquals(1020L, page.get(0).getValues().get("iteration"));
        assertEquals(2499L, s.getLatestUpdate("a").getValues().get("iteration"));
        assertTrue(s.getUpdates("a", 2500, 10).isEmpty());
        assertEquals("run a", s.getAllStaticInfos("a").get(0).getValues().get("title"));
        assertTrue(s.getUpdates("nobody", 0, 10).isEmpty());
        assertNull(s.getLatestUpdate("nobody"));
        s.close();
        try {
            s.putUpdate(update("a", 1));
            fail("closed storage accepted an update");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("closed"));
        }
    }

    @Test
    public void readersSeeOnlyCompleteRecordsWhileAWriterAppends() throws Exception {
        StatsStorage s = new InMemoryStatsStorage();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                int seen = 0;
                while (seen < 20_000) {
                    List<Persistable> page = s.getUpdates("run", seen, 5000);
                    for (Persistable p : page) {
                        if (((Long) p.getValues().get("iteration")) != seen) throw new AssertionError("out of order at " + seen);
                        seen++;
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.setDaemon(true);
        reader.start();
        for (long i = 0; i < 20_000; i++) s.putUpdate(update("run", i));
        reader.join(20_000);
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertTrue(!reader.isAlive());
    }

    @Test
    public void fileStorageReadsBackWhatItWroteAndDropsATornLastLine() throws Exception {
        File f = new File(tmp.getRoot(), "run.stats");
        FileStatsStorage first = new FileStatsStorage(f);
        first.putStaticInfo(StatsReport.of("s1", "TransferJob", "0", Map.of("title", "flowers", "labels", List.of("a", "b"))));
        for (long i = 0; i < 5; i++) first.putUpdate(update("s1", i));
        first.close();
        Files.write(f.toPath(), "{\"static\":false,\"record\":{\"sessionID\":\"s1\"".getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);   // a crash mid-line

        FileStatsStorage second = new FileStatsStorage(f);
        assertEquals(5, second.getNumUpdateRecordsFor("s1"));
        assertEquals(List.of("a", "b"), second.getAllStaticInfos("s1").get(0).getValues().get("labels"));
        second.putUpdate(update("s1", 5));     // appended on a fresh line
        second.close();
        assertEquals(6, new FileStatsStorage(f).getNumUpdateRecordsFor("s1"));
    }

    @Test
    public void fileStorageNamesTheBadLine() throws Exception {
        File f = new File(tmp.getRoot(), "bad.stats");
        Files.writeString(f.toPath(), "{\"static\":false,\"record\":" + update("s", 0).toJson() + "}\nnot json\n{}\n");
        try {
            new FileStatsStorage(f);
            fail("a damaged stats file was read");
        } catch (UncheckedIOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("bad.stats") && e.getMessage().contains("line 2"));
        }
    }

    @Test
    public void reportsFromJsonAreChecked() {
        StatsReport r = StatsReport.fromJson(update("s", 3).toJson());
        assertEquals(3L, r.getValues().get("iteration"));
        String[] bad = {
            "[]",
            "{\"sessionID\":\"../x\",\"typeID\":\"t\",\"workerID\":\"0\",\"timeStamp\":1,\"values\":{}}",
            "{\"sessionID\":\"s\",\"typeID\":\"t\",\"workerID\":\"0\",\"timeStamp\":1.5,\"values\":{}}",
            "{\"sessionID\":\"s\",\"typeID\":\"t\",\"workerID\":\"0\",\"timeStamp\":1,\"values\":[]}",
            "{\"sessionID\":\"s\",\"typeID\":\"t\",\"workerID\":\"0\",\"timeStamp\":1,\"values\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
            "{\"sessionID\":\"" + "x".repeat(StatsReport.MAX_JSON_CHARS) + "\"}",
        };
        for (String text : bad) {
            try {
                StatsReport.fromJson(text);
                fail("accepted " + text.substring(0, Math.min(80, text.length())));
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("StatsReport") || expected.getMessage().contains("JSON"));
            }
        }
    }
}
