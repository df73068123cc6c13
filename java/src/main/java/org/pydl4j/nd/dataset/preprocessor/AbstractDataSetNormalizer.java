package org.pydl4j.nd.dataset.preprocessor;

import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;

/**
 * The fitting loop shared by the statistics-based normalizers (standardize, min-max): features (and labels when
 * fitted) of every batch feed {@link FeatureStats}; subclasses keep what they need from them.
 */
public abstract class AbstractDataSetNormalizer implements DataNormalization {
    protected boolean fitLabels;

    /** Stores the fitted statistics. */
    protected abstract void fitted(FeatureStats features, FeatureStats labels);

    /** Whether fit has run (or statistics were given). */
    public abstract boolean isFit();

    @Override
    public void fit(DataSet dataSet) {
        FeatureStats f = new FeatureStats(), l = fitLabels ? new FeatureStats() : null;
        f.add(dataSet.getFeatures(), "features");
        if (l != null) l.add(dataSet.getLabels(), "labels");
        fitted(f, l);
    }

    @Override
    public void fit(DataSetIterator iterator) {
        if (iterator.resetSupported()) iterator.reset();
        FeatureStats f = new FeatureStats(), l = fitLabels ? new FeatureStats() : null;
        while (iterator.hasNext()) {
            DataSet d = iterator.next();
            f.add(d.getFeatures(), "features");
            if (l != null) l.add(d.getLabels(), "labels");
        }
        fitted(f, l);
        if (iterator.resetSupported()) iterator.reset();
    }

    protected void requireFit() {
        if (!isFit()) throw new IllegalStateException(getClass().getSimpleName() + ": call fit(...) before transforming data");
    }

    @Override
    public void transform(DataSet toTransform) {
        transform(toTransform.getFeatures());
        if (fitLabels && toTransform.getLabels() != null) transformLabel(toTransform.getLabels());
    }

    @Override
    public void revert(DataSet toRevert) {
        revertFeatures(toRevert.getFeatures());
        if (fitLabels && toRevert.getLabels() != null) revertLabels(toRevert.getLabels());
    }

    @Override public void fitLabel(boolean fitLabels) { this.fitLabels = fitLabels; }
    @Override public boolean isFitLabel() { return fitLabels; }

}
