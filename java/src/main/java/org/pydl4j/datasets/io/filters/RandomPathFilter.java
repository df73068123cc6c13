package org.pydl4j.datasets.io.filters;

import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Keeps the paths whose extension is allowed, shuffles them with the given generator and keeps at most
 * {@code maxPaths} of them, as DataVec's {@code RandomPathFilter}. Extensions match case-insensitively, with or
 * without a leading dot; {@code null} or empty extensions accept every file. Hidden files (name starting with
 * '.') are never accepted.
 */
public class RandomPathFilter implements PathFilter {
    protected final Random random;
    protected final String[] extensions;
    protected final long maxPaths;

    /** Calls {@code this(random, extensions, 0)}: no limit on the number of paths. */
    public RandomPathFilter(Random random, String... extensions) {
        this(random, extensions, 0);
    }

    /**
     * @param random     generator that shuffles the paths (seed it for a repeatable order); null keeps the order
     * @param extensions extensions of the files to keep; null or empty keeps all
     * @param maxPaths   the most paths to return, 0 for no limit
     */
    public RandomPathFilter(Random random, String[] extensions, long maxPaths) {
        if (maxPaths < 0) throw new IllegalArgumentException("RandomPathFilter: maxPaths must be >= 0, got " + maxPaths);
        this.random = random;
        this.extensions = extensions == null ? null : extensions.clone();
        this.maxPaths = maxPaths;
    }

    /** Whether the file name has one of the allowed extensions and is not hidden. */
    protected boolean accept(String name) {
        return acceptName(name, extensions);
    }

    /** Shared extension test (case-insensitive; leading dots in the extension list are ignored). */
    public static boolean acceptName(String name, String[] extensions) {
        if (name.isEmpty() || name.startsWith(".")) return false;
        if (extensions == null || extensions.length == 0) return true;
        int dot = name.lastIndexOf('.');
        if (dot < 0) return false;
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (String e : extensions) {
            String want = e.startsWith(".") ? e.substring(1) : e;
            if (want.toLowerCase(Locale.ROOT).equals(ext)) return true;
        }
        return false;
    }

    @Override
    public URI[] filter(URI[] paths) {
        List<URI> kept = new ArrayList<>();
        for (URI u : paths) {
            if (accept(new File(u.getPath()).getName())) kept.add(u);
        }
        if (random != null) Collections.shuffle(kept, random);
        if (maxPaths > 0 && kept.size() > maxPaths) kept = kept.subList(0, (int) maxPaths);
        return kept.toArray(new URI[0]);
    }
}
