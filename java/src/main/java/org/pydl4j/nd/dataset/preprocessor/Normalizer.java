package org.pydl4j.nd.dataset.preprocessor;

import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerType;

/** A fitted, reversible transformation of data, as ND4J's {@code org.nd4j.linalg.dataset.api.preprocessor.Normalizer}. */
public interface Normalizer<T> {
    void fit(T dataSet);

    void transform(T toTransform);

    void revert(T toRevert);

    /** Which serializer strategy saves this normalizer. */
    NormalizerType getType();
}
