package org.pydl4j.ui.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page's files, read once from the jar into memory. Only the names listed here are ever served: a request
 * path is looked up in this table, never turned into a file or resource name.
 */
final class StaticAssets {
    record Asset(byte[] bytes, String contentType) {}

    private static final String ROOT = "/org/pydl4j/ui/assets/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uplot/uPlot.min.css", "text/css; charset=utf-8",
            "uplot/LICENSE", "text/plain; charset=utf-8",
            "uplot/VERSION", "text/plain; charset=utf-8");

    private final Map<String, Asset> assets;

    StaticAssets() {
        java.util.HashMap<String, Asset> m = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : FILES.entrySet()) {
            try (InputStream in = StaticAssets.class.getResourceAsStream(ROOT + e.getKey())) {
                if (in == null) throw new IllegalStateException("UIServer: asset " + e.getKey() + " is missing from the jar");
                m.put(e.getKey(), new Asset(in.readAllBytes(), e.getValue()));
            } catch (IOException ex) {
                throw new UncheckedIOException("UIServer: cannot read asset " + e.getKey(), ex);
            }
        }
        assets = Map.copyOf(m);
    }

    /** The asset of that name, or null. */
    Asset get(String name) { return assets.get(name); }
}
