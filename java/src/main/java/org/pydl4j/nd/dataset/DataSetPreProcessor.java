package org.pydl4j.nd.dataset;

/** Transforms a DataSet in place before it is used (ND4J's DataSetPreProcessor). */
public interface DataSetPreProcessor {
    void preProcess(DataSet toPreProcess);
}
