package org.pydl4j.ui.api;

import java.util.List;
import org.pydl4j.ui.server.JdkUIServer;
import org.pydl4j.ui.storage.StatsStorage;
import org.pydl4j.ui.storage.StatsStorageRouter;

/**
 * The training UI, as DL4J's {@code UIServer}: one per JVM ({@link #getInstance()}), showing the sessions of the
 * {@link StatsStorage}s attached to it in a browser page that updates while training runs.
 *
 * <pre>
 * UIServer ui = UIServer.getInstance();            // prints the page's address, token included
 * StatsStorage storage = new InMemoryStatsStorage();
 * ui.attach(storage);
 * net.setListeners(new StatsListener(storage));
 * </pre>
 *
 * <p>Served by the JDK's own HTTP server on {@code 127.0.0.1} (port {@value #DEFAULT_UI_PORT}; system properties
 * {@code pydl4j.ui.port} and {@code pydl4j.ui.host}). Every request needs the per-server token that the printed
 * address carries and a Host header naming this server (see {@link org.pydl4j.ui.server.RequestGuard}); another
 * host than a loopback one prints a warning, since the page can then be reached from other machines.
 */
public abstract class UIServer {
    public static final int DEFAULT_UI_PORT = 9000;
    public static final String DEFAULT_UI_HOST = "127.0.0.1";

    private static UIServer instance;

    /** The running UI, started on first use at {@code pydl4j.ui.host}:{@code pydl4j.ui.port} (default 127.0.0.1:9000). */
    public static synchronized UIServer getInstance() {
        String host = System.getProperty("pydl4j.ui.host", DEFAULT_UI_HOST);
        int port;
        try {
            port = Integer.parseInt(System.getProperty("pydl4j.ui.port", Integer.toString(DEFAULT_UI_PORT)).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("UIServer: system property pydl4j.ui.port is not a port number: "
                    + System.getProperty("pydl4j.ui.port"));
        }
        boolean fresh = !isRunning();
        UIServer server = getInstance(host, port);
        if (fresh) {
            if (!server.isLoopback()) {
                System.err.println("UIServer: warning: listening on " + host + ", reachable from other machines; anyone "
                        + "with the address (its token included) can watch the training");
            }
            System.out.println("UIServer: training UI at " + server.getUrl());
        }
        return server;
    }

    /**
     * The running UI; started at {@code host}:{@code port} (0: any free port) if none runs, silently (the caller
     * shows {@link #getUrl()}; {@link #getInstance()} prints it). A UI that already runs is returned as it is,
     * wherever it listens ({@link #getAddress()} says where).
     */
    public static synchronized UIServer getInstance(String host, int port) {
        if (instance == null || instance.isStopped()) instance = JdkUIServer.start(host, port);
        return instance;
    }

    /** Whether a UI runs in this JVM (without starting one). */
    public static synchronized boolean isRunning() { return instance != null && !instance.isStopped(); }

    /** {@code http://host:port}, without the token. */
    public abstract String getAddress();

    /** The page's address with the token: what a person opens. */
    public abstract String getUrl();

    public abstract int getPort();

    /** Whether the UI listens on a loopback address only (else other machines can reach it). */
    public abstract boolean isLoopback();

    public abstract void attach(StatsStorage statsStorage);

    public abstract void detach(StatsStorage statsStorage);

    public abstract boolean isAttached(StatsStorage statsStorage);

    public abstract List<StatsStorage> getStatsStorageInstances();

    /** Accepts records posted by {@link org.pydl4j.ui.storage.RemoteUIStatsStorageRouter}s into a new attached in-memory storage. */
    public abstract void enableRemoteListener();

    /** Accepts posted records into {@code statsStorage}; attaches it when {@code attach} and it is a {@link StatsStorage}. */
    public abstract void enableRemoteListener(StatsStorageRouter statsStorage, boolean attach);

    public abstract void disableRemoteListener();

    public abstract boolean isRemoteListenerEnabled();

    /** Stops serving (the attached storages stay as they are). */
    public abstract void stop();

    public abstract boolean isStopped();
}
