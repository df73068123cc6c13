package org.pydl4j.nd.dataset.preprocessor;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerType;

/**
 * Scales pixel values from {@code [0, 2^maxBits - 1]} (0..255 by default) to {@code [minRange, maxRange]}
 * ({@code [0, 1]} by default), in place: {@code x / 255 * (max - min) + min}. As ND4J's
 * {@code org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler}. Only features change; labels are
 * left alone.
 */
public class ImagePreProcessingScaler implements DataNormalization {
    private final double minRange;
    private final double maxRange;
    private final double maxPixelVal;

    /** Scales 0..255 to [0, 1]. */
    public ImagePreProcessingScaler() { this(0, 1, 8); }

    /** Scales 0..255 to [a, b]. */
    public ImagePreProcessingScaler(double a, double b) { this(a, b, 8); }

    /** Scales 0..(2^maxBits - 1) to [a, b]. */
    public ImagePreProcessingScaler(double a, double b, int maxBits) {
        if (!(a < b)) throw new IllegalArgumentException("ImagePreProcessingScaler: min " + a + " must be below max " + b);
        if (maxBits < 1 || maxBits > 31) throw new IllegalArgumentException("ImagePreProcessingScaler: maxBits must be 1..31, got " + maxBits);
        this.minRange = a;
        this.maxRange = b;
        this.maxPixelVal = Math.pow(2, maxBits) - 1;
    }

    public double getMinRange() { return minRange; }
    public double getMaxRange() { return maxRange; }
    public double getMaxPixelVal() { return maxPixelVal; }

    /** Nothing to learn: the range is fixed by the constructor. Kept so DL4J code calling fit ports unchanged. */
    @Override
    public void fit(DataSet dataSet) {
        if (dataSet == null) throw new IllegalArgumentException("ImagePreProcessingScaler.fit: data set is null");
    }

    /** Nothing to learn (see {@link #fit(DataSet)}); the iterator is not consumed. */
    @Override
    public void fit(DataSetIterator iterator) {
        if (iterator == null) throw new IllegalArgumentException("ImagePreProcessingScaler.fit: iterator is null");
    }

    @Override
    public void preProcess(DataSet toPreProcess) {
        if (toPreProcess.getFeatures() == null) throw new IllegalArgumentException("ImagePreProcessingScaler: data set has no features");
        preProcess(toPreProcess.getFeatures());
    }

    /** Scales the features in place. */
    @Override
    public void preProcess(INDArray features) {
        double range = maxRange - minRange;
        features.map(v -> v / maxPixelVal * range + minRange, true);
    }

    /** Same as {@link #preProcess(DataSet)}. */
    @Override
    public void transform(DataSet toTransform) { preProcess(toTransform); }

    /** Same as {@link #preProcess(INDArray)}. */
    @Override
    public void transform(INDArray features) { preProcess(features); }

    /** Undoes the scaling of the features in place (back to 0..255). */
    @Override
    public void revertFeatures(INDArray features) {
        double range = maxRange - minRange;
        features.map(v -> (v - minRange) / range * maxPixelVal, true);
    }

    /** Undoes the scaling of the data set's features in place. */
    @Override
    public void revert(DataSet data) { revertFeatures(data.getFeatures()); }

    @Override
    public NormalizerType getType() { return NormalizerType.IMAGE_MIN_MAX; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreProcessingScaler && ((ImagePreProcessingScaler) o).minRange == minRange
                && ((ImagePreProcessingScaler) o).maxRange == maxRange && ((ImagePreProcessingScaler) o).maxPixelVal == maxPixelVal;
    }

    @Override
    public int hashCode() { return java.util.Objects.hash(minRange, maxRange, maxPixelVal); }

    @Override
    public String toString() { return "ImagePreProcessingScaler(" + minRange + ", " + maxRange + ")"; }
}
