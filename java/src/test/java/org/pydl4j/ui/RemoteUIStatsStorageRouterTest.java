package org.pydl4j.ui;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.ui.server.JdkUIServer;
import org.pydl4j.ui.stats.StatsListener;
import org.pydl4j.ui.storage.InMemoryStatsStorage;
import org.pydl4j.ui.storage.RemoteUIStatsStorageRouter;

/** A trainer posting to a UI as if in another process (the same JVM here; all traffic goes over HTTP). */
public class RemoteUIStatsStorageRouterTest {
    @Test
    public void listenerRecordsArriveInTheRemoteUi() throws Exception {
        JdkUIServer server = JdkUIServer.start("127.0.0.1", 0);
        try {
            InMemoryStatsStorage received = new InMemoryStatsStorage();
            server.enableRemoteListener(received, true);
            RemoteUIStatsStorageRouter router = new RemoteUIStatsStorageRouter(server.getUrl(), 2, 50, 2.0);
            ComputationGraph net = UiTestSupport.smallGraph();
            net.setListeners(new StatsListener(router, 1, "remote_run", null));
            UiTestSupport.fit(net, 12, 4);
            assertTrue("not flushed: " + router.getLastError(), router.flush(10_000));
            router.shutdown(1000);
            assertEquals(0, router.getDroppedCount());
            assertEquals(13, router.getPostedCount());
            assertEquals(12, received.getNumUpdateRecordsFor("remote_run"));
            assertEquals(1, received.getAllStaticInfos("remote_run").size());
        } finally {
            server.stop();
        }
    }

    @Test
    public void aWrongTokenDropsRecordsWithoutRetryingAndTrainingGoesOn() throws Exception {
        JdkUIServer server = JdkUIServer.start("127.0.0.1", 0);
        try {
            server.enableRemoteListener();
            RemoteUIStatsStorageRouter router = new RemoteUIStatsStorageRouter(server.getAddress() + "/?token=wrong", 5, 1000, 2.0);
            ComputationGraph net = UiTestSupport.smallGraph();
            net.setListeners(new StatsListener(router));
            UiTestSupport.fit(net, 3, 4);
            assertTrue(router.flush(10_000));     // 401 is not retried: no 5 x 1 s backoff
            assertEquals(4, router.getDroppedCount());
            assertTrue(router.getLastError(), router.getLastError().startsWith("HTTP 401"));
            router.shutdown(1000);
        } finally {
            server.stop();
        }
    }

    @Test
    public void anAddressWithoutTokenIsRefused() {
        try {
            new RemoteUIStatsStorageRouter("http://127.0.0.1:9000/");
            fail("accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("token"));
        }
    }
}
