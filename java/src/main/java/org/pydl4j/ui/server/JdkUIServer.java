package org.pydl4j.ui.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.pydl4j.ui.api.UIServer;
import org.pydl4j.ui.storage.InMemoryStatsStorage;
import org.pydl4j.ui.storage.StatsStorage;
import org.pydl4j.ui.storage.StatsStorageRouter;
import org.pydl4j.util.json.Json;

/**
 * {@link UIServer} on the JDK's {@code com.sun.net.httpserver}: a few daemon threads of its own, so a slow or
 * hostile client can delay the page but never a training thread (which only appends to a storage). Routes:
 * {@code /} (the page), {@code /assets/NAME}, {@code /api/sessions}, {@code /api/sessions/ID?from=N[&static=0]} and
 * {@code POST /remoteReceive}; every one behind {@link RequestGuard}.
 */
public final class JdkUIServer extends UIServer {
    private static final int THREADS = 3;
    private static final String COOKIE = "pydl4j_ui_token_";

    private final HttpServer http;
    private final ExecutorService pool;
    private final RequestGuard guard;
    private final String host;
    private final StaticAssets assets = new StaticAssets();
    private final List<StatsStorage> storages = new CopyOnWriteArrayList<>();
    private volatile StatsStorageRouter remoteRouter;
    private volatile boolean stopped;
    private final boolean loopback;

    private JdkUIServer(String host, int port) throws IOException {
        boundRequests();
        InetAddress address = InetAddress.getByName(host);
        this.loopback = address.isLoopbackAddress();
        this.host = host;
        http = HttpServer.create(new InetSocketAddress(address, port), 16);
        pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "pydl4j-ui-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        guard = new RequestGuard(RequestGuard.newToken(), host, http.getAddress().getPort());
        http.createContext("/", this::handle);
        startAsDaemon(http);
    }

    /**
     * The JDK server's dispatcher thread takes its daemon status from the thread that starts it: started from a
     * daemon thread, a UI never keeps a finished program (or Python's interpreter) from exiting.
     */
    private static void startAsDaemon(HttpServer http) throws IOException {
        RuntimeException[] failure = new RuntimeException[1];
        Thread starter = new Thread(() -> {
            try {
                http.start();
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "pydl4j-ui-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
        if (failure[0] != null) throw failure[0];
    }

    /** Starts a UI at host:port (0: any free port); {@link #getUrl()} is its address. */
    public static JdkUIServer start(String host, int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("UIServer: port must be 0-65535, got " + port);
        if (host == null || host.isBlank()) throw new IllegalArgumentException("UIServer: no host given (e.g. 127.0.0.1)");
        try {
            return new JdkUIServer(host, port);
        } catch (java.net.BindException e) {
            throw new UIServerException("UIServer: cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another port", e);
        } catch (IOException e) {
            throw new UIServerException("UIServer: cannot start on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The JDK server's limits, unless set by the user: seconds to read a request and to write a response, header
     * count and header bytes (a client sending an endless header is cut off before the token is even checked).
     */
    private static void boundRequests() {
        if (System.getProperty("sun.net.httpserver.maxReqHeaderSize") == null) System.setProperty("sun.net.httpserver.maxReqHeaderSize", "65536");
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "20");
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) System.setProperty("sun.net.httpserver.maxRspTime", "60");
        if (System.getProperty("sun.net.httpserver.maxReqHeaders") == null) System.setProperty("sun.net.httpserver.maxReqHeaders", "64");
    }

    // ---------------------------------------------------------------- requests

    private void handle(HttpExchange ex) {
        try (ex) {
            respond(ex);
        } catch (IOException | UncheckedIOException e) {
            // the client went away; nothing to answer
        } catch (RuntimeException e) {
            try {
                send(ex, 500, "text/plain; charset=utf-8", "internal error\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the client went away
            }
        }
    }

    private void respond(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String rawPath = ex.getRequestURI().getRawPath(), rawQuery = ex.getRequestURI().getRawQuery();
        if (ex.getRequestURI().toString().length() > RequestGuard.MAX_URI) { plain(ex, 414, "URI too long"); return; }
        if (!guard.hostAllowed(ex.getRequestHeaders().getFirst("Host"))) { plain(ex, 403, "forbidden Host header"); return; }
        if (!RequestGuard.safePath(rawPath)) { plain(ex, 400, "bad path"); return; }
        String fromQuery = RequestGuard.queryParam(rawQuery, RequestGuard.TOKEN_PARAM);
        // a POST must name the token itself: the cookie, which a browser adds on its own, is good for reading only
        String cookie = method.equals("GET") || method.equals("HEAD")
                ? RequestGuard.cookie(ex.getRequestHeaders().get("Cookie"), COOKIE + guard.port()) : null;
        List<String> offered = Arrays.asList(fromQuery, ex.getRequestHeaders().getFirst(RequestGuard.TOKEN_HEADER), cookie);
        if (!guard.tokenMatches(offered)) { plain(ex, 401, "missing or wrong token; open the address the UI printed"); return; }
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (rawPath.equals("/remoteReceive")) {
            if (!method.equals("POST")) { plain(ex, 405, "POST only"); return; }
            remoteReceive(ex);
            return;
        }
        if (!get) { plain(ex, 405, "GET only"); return; }
        if (rawPath.equals("/")) {
            if (fromQuery != null && guard.tokenMatches(List.of(fromQuery))) {
                // the page's own requests (scripts, styles, the API) then carry the token as a cookie
                ex.getResponseHeaders().add("Set-Cookie", COOKIE + guard.port() + "=" + guard.token()
                        + "; Path=/; HttpOnly; SameSite=Strict");
            }
            asset(ex, "index.html");
        } else if (rawPath.startsWith("/assets/")) {
            asset(ex, rawPath.substring("/assets/".length()));
        } else if (rawPath.equals("/api/sessions")) {
            json(ex, SessionApi.sessions(storages));
        } else if (rawPath.startsWith("/api/sessions/")) {
            String id = rawPath.substring("/api/sessions/".length());
            int from = parseIndex(RequestGuard.queryParam(rawQuery, "from"));
            boolean withStatic = !"0".equals(RequestGuard.queryParam(rawQuery, "static"));
            Map<String, Object> body = from < 0 ? null : SessionApi.session(storages, id, from, withStatic);
            if (from < 0) plain(ex, 400, "bad 'from'");
            else if (body == null) plain(ex, 404, "no such session");
            else json(ex, body);
        } else {
            plain(ex, 404, "not found");
        }
    }

    private static int parseIndex(String text) {
        if (text == null) return 0;
        if (text.length() > 9 || !text.chars().allMatch(Character::isDigit)) return -1;
        return Integer.parseInt(text);
    }

    private void remoteReceive(HttpExchange ex) throws IOException {
        StatsStorageRouter router = remoteRouter;
        if (router == null) { plain(ex, 403, "remote listener not enabled (UIServer.enableRemoteListener())"); return; }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        long n;
        try {
            n = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) { plain(ex, 411, "Content-Length required"); return; }
        if (n > RemoteReceiver.MAX_BODY) { plain(ex, 413, "body larger than " + RemoteReceiver.MAX_BODY + " bytes"); return; }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes((int) n);
        }
        if (body.length != n) { plain(ex, 400, "body shorter than its Content-Length"); return; }
        try {
            int stored = RemoteReceiver.receive(new String(body, StandardCharsets.UTF_8), router);
            json(ex, Map.of("stored", (long) stored));
        } catch (IllegalArgumentException | IllegalStateException e) {
            plain(ex, 400, "bad records: " + e.getMessage());
        }
    }

    private void asset(HttpExchange ex, String name) throws IOException {
        StaticAssets.Asset a = assets.get(name);
        if (a == null) { plain(ex, 404, "not found"); return; }
        if (a.contentType().startsWith("text/html")) {
            ex.getResponseHeaders().add("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                    + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        }
        send(ex, 200, a.contentType(), a.bytes());
    }

    private static void json(HttpExchange ex, Object tree) throws IOException {
        send(ex, 200, "application/json; charset=utf-8", Json.writeCompact(tree).getBytes(StandardCharsets.UTF_8));
    }

    private static void plain(HttpExchange ex, int status, String text) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Cache-Control", "no-store");
        h.set("Referrer-Policy", "no-referrer");     // the token is in the address: never pass it on
        h.set("X-Frame-Options", "DENY");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    // ---------------------------------------------------------------- UIServer

    @Override
    public String getAddress() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + getPort();
    }

    @Override
    public String getUrl() { return getAddress() + "/?" + RequestGuard.TOKEN_PARAM + "=" + guard.token(); }

    @Override
    public int getPort() { return http.getAddress().getPort(); }

    @Override
    public boolean isLoopback() { return loopback; }

    @Override
    public void attach(StatsStorage statsStorage) {
        if (statsStorage == null) throw new IllegalArgumentException("UIServer.attach: storage is null");
        if (!storages.contains(statsStorage)) storages.add(statsStorage);
    }

    @Override
    public void detach(StatsStorage statsStorage) { storages.remove(statsStorage); }

    @Override
    public boolean isAttached(StatsStorage statsStorage) { return storages.contains(statsStorage); }

    @Override
    public List<StatsStorage> getStatsStorageInstances() { return new ArrayList<>(storages); }

    @Override
    public void enableRemoteListener() {
        if (remoteRouter == null) enableRemoteListener(new InMemoryStatsStorage(), true);
    }

    @Override
    public void enableRemoteListener(StatsStorageRouter statsStorage, boolean attach) {
        if (statsStorage == null) throw new IllegalArgumentException("UIServer.enableRemoteListener: storage is null");
        if (attach && statsStorage instanceof StatsStorage) attach((StatsStorage) statsStorage);
        remoteRouter = statsStorage;
    }

    @Override
    public void disableRemoteListener() { remoteRouter = null; }

    @Override
    public boolean isRemoteListenerEnabled() { return remoteRouter != null; }

    @Override
    public synchronized void stop() {
        if (stopped) return;
        stopped = true;
        http.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isStopped() { return stopped; }
}
