package org.pydl4j.nd.dataset.preprocessor;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.DataSetPreProcessor;

/**
 * A normalizer of DataSets, as ND4J's {@code DataNormalization}: fitted on a DataSet or an iterator (which is reset
 * afterwards when it can be), then applied in place to features (and labels when {@link #fitLabel(boolean)} is on),
 * directly or as an iterator's pre-processor ({@code iterator.setPreProcessor(normalizer)}), and reverted.
 */
public interface DataNormalization extends Normalizer<DataSet>, DataSetPreProcessor {
    /** Fits on every batch of the iterator, then resets it (when it supports reset). */
    void fit(DataSetIterator iterator);

    /** Normalizes features in place. */
    void transform(INDArray features);

    /** Same as {@link #transform(INDArray)}. */
    default void preProcess(INDArray features) { transform(features); }

    /** Normalizes labels in place (a no-op unless labels are fitted). */
    default void transformLabel(INDArray labels) {}

    void revertFeatures(INDArray features);

    /** Undoes the label normalization in place (a no-op unless labels are fitted). */
    default void revertLabels(INDArray labels) {}

    /** Whether labels are fitted and normalized too (regression targets); off by default. */
    default void fitLabel(boolean fitLabels) {
        if (fitLabels) throw new UnsupportedOperationException(getClass().getSimpleName() + " does not normalize labels");
    }

    default boolean isFitLabel() { return false; }

    @Override
    default void preProcess(DataSet toPreProcess) { transform(toPreProcess); }
}
