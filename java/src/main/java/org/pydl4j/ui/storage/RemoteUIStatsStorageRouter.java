package org.pydl4j.ui.storage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.pydl4j.util.json.Json;

/**
 * Sends a training JVM's records to a UI in another process, as DL4J's {@code RemoteUIStatsStorageRouter}: the UI
 * runs {@code UIServer.getInstance().enableRemoteListener()}, the trainer uses
 * {@code new StatsListener(new RemoteUIStatsStorageRouter(url))} with the address the UI printed (its token
 * included). Records go into a bounded queue that a daemon thread posts in batches to {@code /remoteReceive},
 * retrying with backoff; a training thread never waits on the network (a full queue drops the record and counts
 * it, {@link #getDroppedCount()}).
 */
public class RemoteUIStatsStorageRouter implements StatsStorageRouter {
    public static final int QUEUE_CAPACITY = 10_000;
    /** Characters per post at most (the server accepts up to {@link StatsReport#MAX_JSON_CHARS}). */
    private static final int BATCH_CHARS = 256 * 1024;

    private final URI endpoint;
    private final String token;
    private final int maxRetryCount;
    private final long retryDelayMs;
    private final double retryBackoffFactor;
    private final BlockingQueue<RecordLine> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /** Records queued or being posted. */
    private final AtomicLong dropped = new AtomicLong(), posted = new AtomicLong(), pending = new AtomicLong();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Thread sender;
    private volatile boolean shutdown;
    private volatile String lastError;

    /** {@code address}: the UI's printed address, {@code http://host:port/?token=...}. */
    public RemoteUIStatsStorageRouter(String address) { this(address, 10, 2000, 2.0); }

    public RemoteUIStatsStorageRouter(String address, int maxRetryCount, long retryDelayMs, double retryBackoffFactor) {
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RemoteUIStatsStorageRouter: not an address: " + address, e);
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("RemoteUIStatsStorageRouter: expected http://host:port/?token=..., got " + address);
        }
        String t = null;
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) if (pair.startsWith("token=")) t = pair.substring(6);
        }
        if (t == null || t.isEmpty()) {
            throw new IllegalArgumentException("RemoteUIStatsStorageRouter: the address has no token; pass the whole "
                    + "address the UI printed (http://host:port/?token=...)");
        }
        if (maxRetryCount < 0 || retryDelayMs < 0 || !(retryBackoffFactor >= 1)) {
            throw new IllegalArgumentException("RemoteUIStatsStorageRouter: retries >= 0, delay >= 0, backoff >= 1");
        }
        this.token = t;
        this.endpoint = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/remoteReceive");
        this.maxRetryCount = maxRetryCount;
        this.retryDelayMs = retryDelayMs;
        this.retryBackoffFactor = retryBackoffFactor;
        sender = new Thread(this::run, "pydl4j-ui-remote-router");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) { enqueue(RecordLine.of(staticInfo, true)); }

    @Override
    public void putUpdate(Persistable update) { enqueue(RecordLine.of(update, false)); }

    private void enqueue(RecordLine line) {
        if (shutdown) throw new IllegalStateException("RemoteUIStatsStorageRouter is shut down");
        pending.incrementAndGet();
        if (!queue.offer(line)) {
            pending.decrementAndGet();
            dropped.incrementAndGet();
        }
    }

    /** Records dropped: the queue was full, or a post failed after every retry. */
    public long getDroppedCount() { return dropped.get(); }

    /** Records the UI acknowledged. */
    public long getPostedCount() { return posted.get(); }

    /** The last failure, or null. */
    public String getLastError() { return lastError; }

    /** Waits up to {@code timeoutMs} for the queue to be sent; true when everything queued was posted or dropped. */
    public boolean flush(long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < end) {
            if (pending.get() == 0) return true;
            Thread.sleep(10);
        }
        return false;
    }

    /** Stops the sender after what is queued has been sent (waiting at most {@code timeoutMs}). */
    public void shutdown(long timeoutMs) throws InterruptedException {
        flush(timeoutMs);
        shutdown = true;
        sender.interrupt();
        sender.join(timeoutMs);
    }

    private void run() {
        while (!shutdown) {
            List<RecordLine> batch = new ArrayList<>();
            try {
                RecordLine first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                String body = fill(batch);
                post(body, batch.size());
            } catch (InterruptedException e) {
                if (shutdown) return;
            } finally {
                pending.addAndGet(-batch.size());
            }
        }
    }

    /** Takes queued records into the batch up to the batch size; returns the JSON array. */
    private String fill(List<RecordLine> batch) {
        StringBuilder sb = new StringBuilder("[").append(Json.writeCompact(batch.get(0).toTree()));
        RecordLine next;
        while (sb.length() < BATCH_CHARS && batch.size() < 1000 && (next = queue.poll()) != null) {
            batch.add(next);
            sb.append(',').append(Json.writeCompact(next.toTree()));
        }
        return sb.append(']').toString();
    }

    private void post(String body, int records) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("X-Pydl4j-Token", token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        double delay = retryDelayMs;
        for (int attempt = 0; ; attempt++) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    posted.addAndGet(records);
                    return;
                }
                lastError = "HTTP " + response.statusCode() + ": " + response.body().trim();
                if (response.statusCode() >= 400 && response.statusCode() < 500) break;   // retrying will not help
            } catch (java.io.IOException e) {
                lastError = e.toString();
            }
            if (attempt >= maxRetryCount || shutdown) break;
            Thread.sleep((long) delay);
            delay *= retryBackoffFactor;
        }
        dropped.addAndGet(records);
        System.err.println("RemoteUIStatsStorageRouter: dropped " + records + " records: " + lastError);
    }
}
