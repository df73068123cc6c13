package org.pydl4j.nd.dataset.preprocessor;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerType;

/**
 * Zero mean, unit variance per feature, as ND4J's NormalizerStandardize: {@code x = (x - mean) / std} with the
 * population standard deviation floored at 1e-5 (a constant feature does not divide by zero). Features are columns
 * of 2-d data and channels of image data [n, c, h, w]. With {@code fitLabel(true)} labels are standardized too.
 */
public class NormalizerStandardize extends AbstractDataSetNormalizer {
    /** Smallest standard deviation divided by (ND4J's Nd4j.EPS_THRESHOLD). */
    public static final double MIN_STD = 1e-5;

    private double[] mean, std, labelMean, labelStd;

    public NormalizerStandardize() {}

    /** A normalizer with given feature statistics ([1, f] or [f]). */
    public NormalizerStandardize(INDArray featureMean, INDArray featureStd) { setFeatureStats(featureMean, featureStd); }

    public NormalizerStandardize(INDArray featureMean, INDArray featureStd, INDArray labelMean, INDArray labelStd) {
        this(featureMean, featureStd);
        setLabelStats(labelMean, labelStd);
        this.fitLabels = true;
    }

    public void setFeatureStats(INDArray featureMean, INDArray featureStd) {
        double[][] p = checkPair("feature", featureMean, featureStd);
        mean = p[0];
        std = p[1];
    }

    public void setLabelStats(INDArray labelMean, INDArray labelStd) {
        double[][] p = checkPair("label", labelMean, labelStd);
        this.labelMean = p[0];
        this.labelStd = p[1];
    }

    private static double[][] checkPair(String what, INDArray m, INDArray s) {
        if (m == null || s == null || m.length() != s.length() || m.length() == 0) {
            throw new IllegalArgumentException("NormalizerStandardize: " + what + " mean and std must be non-empty and of equal length");
        }
        double[] mv = m.toDoubleVector(), sv = s.toDoubleVector();
        for (int i = 0; i < sv.length; i++) {
            if (!Double.isFinite(mv[i]) || !Double.isFinite(sv[i]) || sv[i] < 0) {
                throw new IllegalArgumentException("NormalizerStandardize: " + what + " statistics at " + i + " are not usable: mean " + mv[i] + ", std " + sv[i]);
            }
        }
        return new double[][]{mv, sv};
    }

    @Override
    protected void fitted(FeatureStats features, FeatureStats labels) {
        mean = features.mean();
        std = features.std();
        if (labels != null) { labelMean = labels.mean(); labelStd = labels.std(); }
    }

    @Override public boolean isFit() { return mean != null; }

    private static INDArray row(double[] v) { return v == null ? null : FeatureStats.row(v); }

    /** Feature means, [1, f]. */
    public INDArray getMean() { return row(mean); }
    /** Feature standard deviations (population), [1, f]. */
    public INDArray getStd() { return row(std); }
    public INDArray getLabelMean() { return row(labelMean); }
    public INDArray getLabelStd() { return row(labelStd); }

    private static double[] inverse(double[] sd) {
        double[] o = FeatureStats.floor(sd, MIN_STD);
        for (int i = 0; i < o.length; i++) o[i] = 1 / o[i];
        return o;
    }

    @Override
    public void transform(INDArray features) {
        requireFit();
        FeatureStats.apply(features, mean, inverse(std), new double[mean.length], "NormalizerStandardize");
    }

    @Override
    public void revertFeatures(INDArray features) {
        requireFit();
        FeatureStats.apply(features, new double[mean.length], FeatureStats.floor(std, MIN_STD), mean, "NormalizerStandardize.revert");
    }

    private void requireLabels() {
        if (labelMean == null) throw new IllegalStateException("NormalizerStandardize: labels were not fitted");
    }

    @Override
    public void transformLabel(INDArray labels) {
        if (!fitLabels) return;
        requireLabels();
        FeatureStats.apply(labels, labelMean, inverse(labelStd), new double[labelMean.length], "NormalizerStandardize (labels)");
    }

    @Override
    public void revertLabels(INDArray labels) {
        if (!fitLabels) return;
        requireLabels();
        FeatureStats.apply(labels, new double[labelMean.length], FeatureStats.floor(labelStd, MIN_STD), labelMean, "NormalizerStandardize.revert (labels)");
    }

    @Override public NormalizerType getType() { return NormalizerType.STANDARDIZE; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NormalizerStandardize)) return false;
        NormalizerStandardize n = (NormalizerStandardize) o;
        return fitLabels == n.fitLabels && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std)
                && Arrays.equals(labelMean, n.labelMean) && Arrays.equals(labelStd, n.labelStd);
    }

    @Override public int hashCode() { return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std); }

    @Override
    public String toString() { return "NormalizerStandardize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + (fitLabels ? ", labels fitted" : "") + ")"; }
}
