package org.pydl4j.ui;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.ui.stats.StatsListener;
import org.pydl4j.ui.storage.InMemoryStatsStorage;
import org.pydl4j.ui.storage.Persistable;

public class StatsListenerTest {
    @Test
    public void reportsTheModelOnceThenScoresRatesAndExampleCounts() {
        ComputationGraph net = UiTestSupport.smallGraph();
        InMemoryStatsStorage storage = new InMemoryStatsStorage();
        StatsListener listener = new StatsListener(storage, 2, "session_1", "w0");
        net.setListeners(listener);
        UiTestSupport.fit(net, 9, 8);

        List<Persistable> statics = storage.getAllStaticInfos("session_1");
        assertEquals(1, statics.size());
        Map<?, ?> model = (Map<?, ?>) statics.get(0).getValues().get("model");
        List<?> layers = (List<?>) model.get("layers");
        assertEquals(List.of("in", "frozen", "dense", "out"), layers.stream().map(r -> ((Map<?, ?>) r).get("name")).toList());
        Map<?, ?> frozen = (Map<?, ?>) layers.get(1);
        assertEquals(true, frozen.get("frozen"));
        assertEquals(30L, frozen.get("params"));               // 4*6 + 6
        assertEquals(0L, frozen.get("trainableParams"));
        assertEquals("6", frozen.get("output"));
        assertEquals("3", ((Map<?, ?>) layers.get(3)).get("output"));
        assertEquals(net.numParams(), model.get("totalParams"));
        assertEquals(30L, model.get("frozenParams"));

        // iteration 0 (no rate yet), then every 2nd: 2, 4, 6, 8
        List<Persistable> updates = storage.getUpdates("session_1", 0, 100);
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L), updates.stream().map(u -> u.getValues().get("iteration")).toList());
        Map<String, Object> last = updates.get(4).getValues();
        assertTrue((Double) last.get("score") > 0);
        assertEquals(0.01, (Double) last.get("learningRate"), 1e-12);
        assertEquals(8L, last.get("batchSize"));
        assertEquals(72L, last.get("totalExamples"));
        assertTrue((Double) last.get("examplesPerSecond") > 0);
        assertTrue(!updates.get(0).getValues().containsKey("examplesPerSecond"));
    }

    @Test
    public void badArgumentsAreRefused() {
        InMemoryStatsStorage storage = new InMemoryStatsStorage();
        for (Runnable r : new Runnable[]{() -> new StatsListener(null), () -> new StatsListener(storage, 0),
                () -> new StatsListener(storage, 1, "../etc", null)}) {
            try {
                r.run();
                fail("accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("StatsListener"));
            }
        }
    }
}
