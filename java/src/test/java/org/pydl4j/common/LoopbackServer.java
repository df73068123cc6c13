package org.pydl4j.common;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback HTTP server for download tests: serves byte arrays by path, counts requests, can fail the first ones. */
public final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    public final AtomicInteger requests = new AtomicInteger();
    /** The next this-many requests answer HTTP 503. */
    public final AtomicInteger failNext = new AtomicInteger();

    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] body = files.get(ex.getRequestURI().getPath());
            int code = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : body == null ? 404 : 200;
            if (code != 200) {
                ex.sendResponseHeaders(code, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) { out.write(body); }
        });
        server.start();
    }

    public LoopbackServer serve(String path, byte[] body) { files.put(path, body); return this; }

    public String url(String path) { return "http://127.0.0.1:" + server.getAddress().getPort() + path; }

    @Override public void close() { server.stop(0); }
}
