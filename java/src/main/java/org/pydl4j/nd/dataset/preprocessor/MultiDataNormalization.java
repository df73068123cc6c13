package org.pydl4j.nd.dataset.preprocessor;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.MultiDataSet;
import org.pydl4j.nd.dataset.MultiDataSetIterator;
import org.pydl4j.nd.dataset.MultiDataSetPreProcessor;

/** A normalizer of MultiDataSets (one set of statistics per input and output array), as ND4J's MultiDataNormalization. */
public interface MultiDataNormalization extends Normalizer<MultiDataSet>, MultiDataSetPreProcessor {
    /** Fits on every batch of the iterator, then resets it (when it supports reset). */
    void fit(MultiDataSetIterator iterator);

    void revertFeatures(INDArray[] features);

    void revertLabels(INDArray[] labels);

    @Override
    default void preProcess(MultiDataSet multiDataSet) { transform(multiDataSet); }
}
