package org.pydl4j.datasets.records;

import java.io.IOException;
import java.util.List;
import org.pydl4j.datasets.split.InputSplit;

/**
 * Reads records from the locations of an {@link InputSplit}, as DataVec's
 * {@code org.datavec.api.records.reader.RecordReader}. A record is a list of values; where DataVec uses
 * {@code Writable}s, ours are plain objects: an {@code INDArray} for array data and an {@code Integer} for a class
 * index.
 */
public interface RecordReader {
    /**
     * Prepares to read the split's locations from the first one. Declares DataVec's checked exceptions so that code
     * written for DataVec (which must handle them) compiles unchanged.
     */
    void initialize(InputSplit split) throws IOException, InterruptedException;

    boolean hasNext();

    /** The next record; {@link java.util.NoSuchElementException} when there is none. */
    List<Object> next();

    /** Starts again from the first location. */
    void reset();

    boolean resetSupported();

    /** The class labels, index i being class i; null when the reader has no labels. */
    List<String> getLabels();
}
