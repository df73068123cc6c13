package org.pydl4j.datasets.split;

import java.net.URI;
import org.pydl4j.datasets.io.filters.PathFilter;

/** A list of input locations (files), as DataVec's {@code org.datavec.api.split.InputSplit}. */
public interface InputSplit {
    /** The locations, in the order records are read. */
    URI[] locations();

    /** Number of locations. */
    long length();

    /**
     * Filters the locations (if {@code pathFilter} is not null) and splits them into parts whose sizes follow
     * {@code weights} (for example {@code 80, 20}).
     */
    InputSplit[] sample(PathFilter pathFilter, double... weights);
}
