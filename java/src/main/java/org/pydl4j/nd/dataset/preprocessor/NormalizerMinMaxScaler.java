package org.pydl4j.nd.dataset.preprocessor;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerType;

/**
 * Scales every feature to [minRange, maxRange] ([0, 1] by default) from the minimum and maximum seen in fit, as
 * ND4J's NormalizerMinMaxScaler: {@code x = (x - min) / (max - min) * (maxRange - minRange) + minRange}, the range
 * {@code max - min} floored at 1e-5. Features are columns of 2-d data and channels of image data.
 */
public class NormalizerMinMaxScaler extends AbstractDataSetNormalizer {
    public static final double MIN_RANGE = 1e-5;

    private double minRange, maxRange;
    private double[] min, max, labelMin, labelMax;

    public NormalizerMinMaxScaler() { this(0, 1); }

    public NormalizerMinMaxScaler(double minRange, double maxRange) {
        if (!Double.isFinite(minRange) || !Double.isFinite(maxRange) || !(minRange < maxRange)) {
            throw new IllegalArgumentException("NormalizerMinMaxScaler: target range [" + minRange + ", " + maxRange + "] must be finite with min < max");
        }
        this.minRange = minRange;
        this.maxRange = maxRange;
    }

    private static INDArray row(double[] v) { return v == null ? null : FeatureStats.row(v); }

    public double getTargetMin() { return minRange; }
    public double getTargetMax() { return maxRange; }
    public INDArray getMin() { return row(min); }
    public INDArray getMax() { return row(max); }
    public INDArray getLabelMin() { return row(labelMin); }
    public INDArray getLabelMax() { return row(labelMax); }

    /** Sets fitted statistics directly ([1, f] or [f]); used by the serializer. */
    public void setFeatureStats(INDArray featureMin, INDArray featureMax) {
        double[][] p = check("feature", featureMin, featureMax);
        min = p[0];
        max = p[1];
    }

    public void setLabelStats(INDArray lo, INDArray hi) {
        double[][] p = check("label", lo, hi);
        labelMin = p[0];
        labelMax = p[1];
    }

    private static double[][] check(String what, INDArray lo, INDArray hi) {
        if (lo == null || hi == null || lo.length() != hi.length() || lo.length() == 0) {
            throw new IllegalArgumentException("NormalizerMinMaxScaler: " + what + " min and max must be non-empty and of equal length");
        }
        double[] a = lo.toDoubleVector(), b = hi.toDoubleVector();
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i]) || !Double.isFinite(b[i]) || a[i] > b[i]) {
                throw new IllegalArgumentException("NormalizerMinMaxScaler: " + what + " statistics at " + i + " are not usable: min " + a[i] + ", max " + b[i]);
            }
        }
        return new double[][]{a, b};
    }

    @Override
    protected void fitted(FeatureStats features, FeatureStats labels) {
        min = features.min();
        max = features.max();
        if (labels != null) { labelMin = labels.min(); labelMax = labels.max(); }
    }

    @Override public boolean isFit() { return min != null; }

    /** (maxRange - minRange) / max(max - min, 1e-5), per feature; inverted for reverting. */
    private double[] scale(double[] lo, double[] hi, boolean invert) {
        double[] s = new double[lo.length];
        for (int i = 0; i < s.length; i++) {
            double r = Math.max(hi[i] - lo[i], MIN_RANGE) / (maxRange - minRange);
            s[i] = invert ? r : 1 / r;
        }
        return s;
    }

    private void apply(INDArray a, double[] lo, double[] hi, boolean revert, String who) {
        if (revert) FeatureStats.apply(a, FeatureStats.filled(lo.length, minRange), scale(lo, hi, true), lo, who);
        else FeatureStats.apply(a, lo, scale(lo, hi, false), FeatureStats.filled(lo.length, minRange), who);
    }

    @Override
    public void transform(INDArray features) {
        requireFit();
        apply(features, min, max, false, "NormalizerMinMaxScaler");
    }

    @Override
    public void revertFeatures(INDArray features) {
        requireFit();
        apply(features, min, max, true, "NormalizerMinMaxScaler.revert");
    }

    private void requireLabels() {
        if (labelMin == null) throw new IllegalStateException("NormalizerMinMaxScaler: labels were not fitted");
    }

    @Override
    public void transformLabel(INDArray labels) {
        if (!fitLabels) return;
        requireLabels();
        apply(labels, labelMin, labelMax, false, "NormalizerMinMaxScaler (labels)");
    }

    @Override
    public void revertLabels(INDArray labels) {
        if (!fitLabels) return;
        requireLabels();
        apply(labels, labelMin, labelMax, true, "NormalizerMinMaxScaler.revert (labels)");
    }

    @Override public NormalizerType getType() { return NormalizerType.MIN_MAX; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NormalizerMinMaxScaler)) return false;
        NormalizerMinMaxScaler n = (NormalizerMinMaxScaler) o;
        return fitLabels == n.fitLabels && minRange == n.minRange && maxRange == n.maxRange && Arrays.equals(min, n.min)
                && Arrays.equals(max, n.max) && Arrays.equals(labelMin, n.labelMin) && Arrays.equals(labelMax, n.labelMax);
    }

    @Override public int hashCode() { return Arrays.hashCode(min) * 31 + Arrays.hashCode(max); }

    @Override
    public String toString() { return "NormalizerMinMaxScaler([" + minRange + ", " + maxRange + "], min=" + Arrays.toString(min) + ", max=" + Arrays.toString(max) + ")"; }
}
