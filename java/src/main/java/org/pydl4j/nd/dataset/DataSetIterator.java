package org.pydl4j.nd.dataset;

import java.util.Iterator;
import java.util.List;

/** Mini-batches of a data set, as ND4J's DataSetIterator. */
public interface DataSetIterator extends Iterator<DataSet> {
    /** Up to num examples as one DataSet. */
    DataSet next(int num);

    int inputColumns();

    int totalOutcomes();

    boolean resetSupported();

    boolean asyncSupported();

    void reset();

    int batch();

    void setPreProcessor(DataSetPreProcessor preProcessor);

    DataSetPreProcessor getPreProcessor();

    List<String> getLabels();
}
