package org.pydl4j.nd.dataset.preprocessor;

import java.util.function.Supplier;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.MultiDataSet;
import org.pydl4j.nd.dataset.MultiDataSetIterator;

/**
 * One single-array normalizer per feature array (and per label array when labels are fitted), fitted in one pass
 * over the data; the shared part of {@link MultiNormalizerStandardize} and {@link MultiNormalizerMinMaxScaler}.
 */
public abstract class AbstractMultiDataSetNormalizer<N extends AbstractDataSetNormalizer> implements MultiDataNormalization {
    private final Supplier<N> factory;
    protected N[] featureNormalizers;
    protected N[] labelNormalizers;
    protected boolean fitLabels;

    protected AbstractMultiDataSetNormalizer(Supplier<N> factory) { this.factory = factory; }

    public void fitLabel(boolean fitLabels) { this.fitLabels = fitLabels; }
    public boolean isFitLabel() { return fitLabels; }

    @Override
    public void fit(MultiDataSet dataSet) { fitAll(java.util.List.of(dataSet).iterator()); }

    @Override
    public void fit(MultiDataSetIterator iterator) {
        if (iterator.resetSupported()) iterator.reset();
        fitAll(iterator);
        if (iterator.resetSupported()) iterator.reset();
    }

    private void fitAll(java.util.Iterator<MultiDataSet> it) {
        FeatureStats[] fs = null, ls = null;
        while (it.hasNext()) {
            MultiDataSet m = it.next();
            if (fs == null) {
                fs = stats(m.numFeatureArrays());
                ls = fitLabels ? stats(m.numLabelsArrays()) : new FeatureStats[0];
            }
            if (m.numFeatureArrays() != fs.length || (fitLabels && m.numLabelsArrays() != ls.length)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".fit: batches disagree on the number of arrays");
            }
            for (int i = 0; i < fs.length; i++) fs[i].add(m.getFeatures(i), "features " + i);
            for (int i = 0; i < ls.length; i++) ls[i].add(m.getLabels(i), "labels " + i);
        }
        if (fs == null) throw new IllegalStateException(getClass().getSimpleName() + ".fit: no data");
        featureNormalizers = build(fs);
        labelNormalizers = build(ls);
    }

    private static FeatureStats[] stats(int n) {
        FeatureStats[] s = new FeatureStats[n];
        for (int i = 0; i < n; i++) s[i] = new FeatureStats();
        return s;
    }

    @SuppressWarnings("unchecked")
    private N[] build(FeatureStats[] stats) {
        N[] out = (N[]) new AbstractDataSetNormalizer[stats.length];
        for (int i = 0; i < stats.length; i++) {
            out[i] = factory.get();
            out[i].fitted(stats[i], null);
        }
        return out;
    }

    protected void requireFit() {
        if (featureNormalizers == null) throw new IllegalStateException(getClass().getSimpleName() + ": call fit(...) before transforming data");
    }

    @Override
    public void transform(MultiDataSet m) {
        requireFit();
        for (int i = 0; i < featureNormalizers.length; i++) featureNormalizers[i].transform(m.getFeatures(i));
        if (fitLabels && m.getLabels() != null) for (int i = 0; i < labelNormalizers.length; i++) labelNormalizers[i].transform(m.getLabels(i));
    }

    @Override
    public void revert(MultiDataSet m) {
        revertFeatures(m.getFeatures());
        if (m.getLabels() != null) revertLabels(m.getLabels());
    }

    @Override
    public void revertFeatures(INDArray[] features) {
        requireFit();
        for (int i = 0; i < featureNormalizers.length; i++) featureNormalizers[i].revertFeatures(features[i]);
    }

    @Override
    public void revertLabels(INDArray[] labels) {
        if (!fitLabels) return;
        requireFit();
        for (int i = 0; i < labelNormalizers.length; i++) labelNormalizers[i].revertFeatures(labels[i]);
    }

    /** The normalizer of feature array i. */
    public N getFeatureNormalizer(int i) { requireFit(); return featureNormalizers[i]; }

    /** The normalizer of label array i (labels fitted only). */
    public N getLabelNormalizer(int i) { requireFit(); return labelNormalizers[i]; }
}
