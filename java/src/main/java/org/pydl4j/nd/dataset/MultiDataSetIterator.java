package org.pydl4j.nd.dataset;

import java.util.Iterator;

/** Minibatches for multi-input / multi-output graphs, as ND4J's MultiDataSetIterator. */
public interface MultiDataSetIterator extends Iterator<MultiDataSet> {
    MultiDataSet next(int num);

    void setPreProcessor(MultiDataSetPreProcessor preProcessor);

    MultiDataSetPreProcessor getPreProcessor();

    boolean resetSupported();

    boolean asyncSupported();

    void reset();
}
