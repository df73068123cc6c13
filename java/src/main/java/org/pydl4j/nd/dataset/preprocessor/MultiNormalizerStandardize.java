package org.pydl4j.nd.dataset.preprocessor;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerType;

/** {@link NormalizerStandardize} for every input (and output) array of MultiDataSets, as ND4J's MultiNormalizerStandardize. */
public class MultiNormalizerStandardize extends AbstractMultiDataSetNormalizer<NormalizerStandardize> {
    public MultiNormalizerStandardize() { super(NormalizerStandardize::new); }

    public INDArray getFeatureMean(int input) { return getFeatureNormalizer(input).getMean(); }
    public INDArray getFeatureStd(int input) { return getFeatureNormalizer(input).getStd(); }
    public INDArray getLabelMean(int output) { return getLabelNormalizer(output).getMean(); }
    public INDArray getLabelStd(int output) { return getLabelNormalizer(output).getStd(); }

    @Override public NormalizerType getType() { return NormalizerType.MULTI_STANDARDIZE; }
}
