package org.pydl4j.ui;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.ui.UiTestSupport.Response;
import org.pydl4j.ui.api.UIServer;
import org.pydl4j.ui.server.JdkUIServer;
import org.pydl4j.ui.server.RequestGuard;
import org.pydl4j.ui.storage.InMemoryStatsStorage;
import org.pydl4j.ui.storage.StatsReport;
import org.pydl4j.util.json.Json;

/** The server's routes and every refusal: token, Host header, traversal (plain and encoded), sizes, methods. */
public class UIServerTest {
    private static JdkUIServer server;
    private static InMemoryStatsStorage storage;
    private static int port;
    private static String token, host;

    @BeforeClass
    public static void start() {
        server = JdkUIServer.start("127.0.0.1", 0);
        port = server.getPort();
        host = "127.0.0.1:" + port;
        token = server.getUrl().substring(server.getUrl().indexOf("token=") + 6);
        storage = new InMemoryStatsStorage();
        storage.putStaticInfo(StatsReport.of("run1", "TransferJob", "0", Map.of("title", "flowers <b>")));
        for (long i = 0; i < 30; i++) storage.putUpdate(StatsReport.of("run1", "StatsListener", "0", Map.of("iteration", i)));
        server.attach(storage);
    }

    @AfterClass
    public static void stop() {
        server.stop();
        assertTrue(server.isStopped());
    }

    private static Response get(String target) throws Exception {
        return UiTestSupport.get(port, target, host, "");
    }

    @Test
    public void addressIsLoopbackWithATokenAndThePageComesWithACookie() throws Exception {
        assertTrue(server.getUrl(), server.getUrl().startsWith("http://127.0.0.1:" + port + "/?token="));
        assertTrue(token.length() >= 40);
        Response page = get("/?token=" + token);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("loss-chart"));
        assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
        assertEquals("no-referrer", page.header("Referrer-Policy"));
        String cookie = page.header("Set-Cookie");
        assertTrue(cookie, cookie.contains(token) && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        Response js = UiTestSupport.get(port, "/assets/uplot/uPlot.iife.min.js", host, "Cookie: " + cookie.split(";")[0] + "\r\n");
        assertEquals(200, js.status());
        assertTrue(js.header("Content-Type").startsWith("text/javascript"));
        assertTrue(js.body().contains("uPlot"));
    }

    @Test
    public void apiListsSessionsAndPagesUpdates() throws Exception {
        Response list = UiTestSupport.get(port, "/api/sessions", host, RequestGuard.TOKEN_HEADER + ": " + token + "\r\n");
        assertEquals(200, list.status());
        Map<?, ?> sessions = (Map<?, ?>) Json.parse(list.body());
        Map<?, ?> first = (Map<?, ?>) ((List<?>) sessions.get("sessions")).get(0);
        assertEquals("run1", first.get("id"));
        assertEquals("flowers <b>", first.get("title"));
        assertEquals(30L, first.get("updates"));
        Map<?, ?> page = (Map<?, ?>) Json.parse(get("/api/sessions/run1?from=25&token=" + token).body());
        assertEquals(5, ((List<?>) page.get("updates")).size());
        assertEquals(30L, page.get("next"));
        assertEquals(1, ((List<?>) page.get("static")).size());
        assertEquals(1L, first.get("staticCount"));
        Map<?, ?> lean = (Map<?, ?>) Json.parse(get("/api/sessions/run1?from=29&static=0&token=" + token).body());
        assertEquals(null, lean.get("static"));
        assertEquals(1, ((List<?>) lean.get("updates")).size());
        assertEquals(404, get("/api/sessions/nobody?token=" + token).status());
        assertEquals(400, get("/api/sessions/run1?from=-1&token=" + token).status());
        assertEquals(404, get("/assets/secret.txt?token=" + token).status());
        assertEquals(404, get("/etc/passwd?token=" + token).status());
    }

    @Test
    public void requestsWithoutTheTokenAreRefused() throws Exception {
        assertEquals(401, get("/").status());
        assertEquals(401, get("/api/sessions").status());
        assertEquals(401, get("/?token=" + token.substring(1) + "x").status());
        assertEquals(401, get("/api/sessions?token=").status());
        Response r = UiTestSupport.get(port, "/api/sessions", host, "Cookie: pydl4j_ui_token_" + port + "=wrong\r\n");
        assertEquals(401, r.status());
        assertFalse(r.body().contains("run1"));
    }

    @Test
    public void foreignHostHeadersAreRefused() throws Exception {
        for (String h : new String[]{"evil.example:" + port, "evil.example", "localhost:" + (port + 1), "127.0.0.1",
                "127.0.0.1.evil.example:" + port, "999.0.0.1:" + port, ""}) {
            Response r = UiTestSupport.get(port, "/api/sessions?token=" + token, h, "");
            assertEquals("Host " + h, 403, r.status());
            assertFalse(r.body().contains("run1"));
        }
        assertEquals(200, UiTestSupport.get(port, "/api/sessions?token=" + token, "localhost:" + port, "").status());
        assertEquals(200, UiTestSupport.get(port, "/api/sessions?token=" + token, "[::1]:" + port, "").status());
    }

    @Test
    public void traversalPlainOrEncodedIsRefused() throws Exception {
        String[] targets = {"/assets/../assets/app.js", "/../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd",
            "/assets/%2E%2E/app.js", "/assets%2fapp.js", "/assets/..%2f..%2fetc%2fpasswd", "/assets//app.js",
            "/assets/./app.js", "/assets/..\\app.js", "/assets/app.js%00", "/api/sessions/..", "/assets/"};
        for (String t : targets) {
            Response r = get(t + "?token=" + token);
            assertTrue(t + " -> " + r.status(), r.status() == 400 || r.status() == 404);
            assertFalse(t, r.body().contains("use strict") || r.body().contains("root:"));
        }
        assertEquals(200, get("/assets/app.js?token=" + token).status());
    }

    @Test
    public void sizesAndMethodsAreBounded() throws Exception {
        assertEquals(414, get("/?token=" + token + "&pad=" + "a".repeat(RequestGuard.MAX_URI)).status());
        Response post = UiTestSupport.raw(port, "POST /api/sessions?token=" + token + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertEquals(405, post.status());
        Response remote = UiTestSupport.raw(port, "POST /remoteReceive?token=" + token + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]");
        assertEquals(403, remote.status());    // the remote listener is off unless enabled
    }

    @Test
    public void anEndlessHeaderIsCutOffAndTheServerServesOn() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(("GET /?token=" + token + " HTTP/1.1\r\nHost: " + host + "\r\nX-Big: ").getBytes());
            byte[] chunk = "a".repeat(64 * 1024).getBytes();
            boolean cut = false;
            try {
                for (int i = 0; i < 64 * 16; i++) out.write(chunk);     // 64 MiB of one header line
            } catch (java.io.IOException expected) {
                cut = true;
            }
            if (!cut) {
                out.write("\r\n\r\n".getBytes());
                byte[] answer = s.getInputStream().readNBytes(12);
                assertFalse("a 64 MiB header was served", new String(answer).contains(" 200"));
            }
        }
        assertEquals(200, get("/api/sessions?token=" + token).status());
    }

    @Test
    public void remoteReceiveChecksBodiesBeforeStoringAnything() throws Exception {
        InMemoryStatsStorage remote = new InMemoryStatsStorage();
        server.enableRemoteListener(remote, true);
        try {
            String good = "[" + Json.writeCompact(Map.of("static", false, "record",
                    StatsReport.of("remote1", "StatsListener", "w", Map.of("iteration", 1L)).toJsonTree())) + "]";
            String badSecond = "[" + good.substring(1, good.length() - 1) + ",{\"static\":false,\"record\":{}}]";
            assertEquals(400, post(badSecond).status());
            assertFalse(remote.sessionExists("remote1"));
            assertEquals(200, post(good).status());
            assertEquals(1, remote.getNumUpdateRecordsFor("remote1"));
            Response huge = UiTestSupport.raw(port, "POST /remoteReceive?token=" + token + " HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n[");
            assertEquals(413, huge.status());
            Response chunked = UiTestSupport.raw(port, "POST /remoteReceive?token=" + token + " HTTP/1.1\r\nHost: " + host
                    + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n[]\r\n0\r\n\r\n");
            assertEquals(411, chunked.status());
            assertEquals(400, post("[" + "[".repeat(50) + "]".repeat(50) + "]").status());
            byte[] bytes = good.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Response byCookie = UiTestSupport.raw(port, "POST /remoteReceive HTTP/1.1\r\nHost: " + host
                    + "\r\nCookie: pydl4j_ui_token_" + port + "=" + token + "\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n" + good);
            assertEquals(401, byCookie.status());          // a cross-site form would carry the cookie, never the header
            assertEquals(1, remote.getNumUpdateRecordsFor("remote1"));
        } finally {
            server.disableRemoteListener();
            server.detach(remote);
        }
    }

    private static Response post(String body) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return UiTestSupport.raw(port, "POST /remoteReceive HTTP/1.1\r\nHost: " + host + "\r\n" + RequestGuard.TOKEN_HEADER
                + ": " + token + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Test
    public void detachedStoragesAreNoLongerServed() throws Exception {
        InMemoryStatsStorage other = new InMemoryStatsStorage();
        other.putUpdate(StatsReport.of("other", "StatsListener", "0", Map.of("iteration", 0L)));
        server.attach(other);
        assertTrue(server.isAttached(other));
        assertEquals(200, get("/api/sessions/other?token=" + token).status());
        server.detach(other);
        assertEquals(404, get("/api/sessions/other?token=" + token).status());
        assertNotNull(server.getStatsStorageInstances());
    }

    @Test
    public void getInstanceIsOneServerPerJvmUntilStopped() {
        String before = System.getProperty("pydl4j.ui.port");
        System.setProperty("pydl4j.ui.port", "0");
        try {
            UIServer first = UIServer.getInstance();
            assertTrue(UIServer.isRunning() && first.isLoopback());
            assertTrue(first == UIServer.getInstance() && first == UIServer.getInstance("127.0.0.1", 0));
            first.stop();
            assertFalse(UIServer.isRunning());
            UIServer second = UIServer.getInstance();
            assertTrue(second != first && !second.getUrl().equals(first.getUrl()));   // a new token
            second.stop();
        } finally {
            if (before == null) System.clearProperty("pydl4j.ui.port"); else System.setProperty("pydl4j.ui.port", before);
        }
    }

    @Test
    public void guardUnitRules() {
        assertTrue(RequestGuard.safePath("/"));
        assertTrue(RequestGuard.safePath("/assets/uplot/uPlot.min.css"));
        assertFalse(RequestGuard.safePath("/a/../b"));
        assertFalse(RequestGuard.safePath("/a/%2e%2e/b"));
        assertFalse(RequestGuard.safePath(""));
        assertFalse(RequestGuard.safePath(null));
        assertEquals("abc", RequestGuard.queryParam("x=1&token=abc", "token"));
        assertEquals(null, RequestGuard.queryParam("token=a%20b", "token"));
    }
}
