package org.pydl4j.datasets.io.filters;

import java.net.URI;

/** Selects (and possibly reorders) paths before an input split is sampled, as DataVec's {@code PathFilter}. */
public interface PathFilter {
    /** The accepted paths, in the order they should be used. Never modifies the argument. */
    URI[] filter(URI[] paths);
}
