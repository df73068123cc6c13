package org.pydl4j.datasets.fetchers;

/** Which part of a built-in data set to read, as DL4J's {@code org.deeplearning4j.datasets.fetchers.DataSetType}. */
public enum DataSetType {
    TRAIN, TEST, VALIDATION
}
