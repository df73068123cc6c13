package org.pydl4j.nd.dataset;

/** Transforms a MultiDataSet in place before it is used (ND4J's MultiDataSetPreProcessor). */
public interface MultiDataSetPreProcessor {
    void preProcess(MultiDataSet multiDataSet);
}
