package org.pydl4j.nd.dataset.preprocessor;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerType;

/** {@link NormalizerMinMaxScaler} for every input (and output) array of MultiDataSets, as ND4J's MultiNormalizerMinMaxScaler. */
public class MultiNormalizerMinMaxScaler extends AbstractMultiDataSetNormalizer<NormalizerMinMaxScaler> {
    public MultiNormalizerMinMaxScaler() { this(0, 1); }

    public MultiNormalizerMinMaxScaler(double minRange, double maxRange) {
        super(() -> new NormalizerMinMaxScaler(minRange, maxRange));
        new NormalizerMinMaxScaler(minRange, maxRange);   // checks the range now rather than at fit
    }

    public INDArray getMin(int input) { return getFeatureNormalizer(input).getMin(); }
    public INDArray getMax(int input) { return getFeatureNormalizer(input).getMax(); }

    @Override public NormalizerType getType() { return NormalizerType.MULTI_MIN_MAX; }
}
