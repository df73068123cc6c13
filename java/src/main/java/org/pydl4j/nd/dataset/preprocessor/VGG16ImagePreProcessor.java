package org.pydl4j.nd.dataset.preprocessor;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.preprocessor.serializer.NormalizerType;

/**
 * Subtracts the ImageNet mean pixel used to train VGG16, {@code 123.68, 116.779, 103.939}, from channels 0, 1, 2
 * of NCHW features (0..255 values, RGB order as our image loader produces), in place; as ND4J's
 * {@code VGG16ImagePreProcessor}. {@link #revertFeatures} adds the means back. Labels are left alone.
 */
public class VGG16ImagePreProcessor implements DataNormalization {
    private static final double[] MEANS = {123.68, 116.779, 103.939};

    public VGG16ImagePreProcessor() {}

    /** The per-channel means (R, G, B), a copy. */
    public static double[] getMeans() { return MEANS.clone(); }

    @Override
    public void preProcess(DataSet toPreProcess) {
        if (toPreProcess.getFeatures() == null) throw new IllegalArgumentException("VGG16ImagePreProcessor: data set has no features");
        preProcess(toPreProcess.getFeatures());
    }

    /** Subtracts the channel means in place. */
    @Override
    public void preProcess(INDArray features) { apply(features, -1); }

    /** Same as {@link #preProcess(DataSet)}. */
    @Override
    public void transform(DataSet toTransform) { preProcess(toTransform); }

    /** Same as {@link #preProcess(INDArray)}. */
    @Override
    public void transform(INDArray features) { preProcess(features); }

    /** Adds the channel means back in place. */
    @Override
    public void revertFeatures(INDArray features) { apply(features, 1); }

    /** Adds the channel means back to the data set's features, in place. */
    @Override
    public void revert(DataSet data) { revertFeatures(data.getFeatures()); }

    /** Nothing to learn: the means are ImageNet's. */
    @Override
    public void fit(DataSet dataSet) {
        if (dataSet == null) throw new IllegalArgumentException("VGG16ImagePreProcessor.fit: data set is null");
    }

    /** Nothing to learn; the iterator is not consumed. */
    @Override
    public void fit(DataSetIterator iterator) {
        if (iterator == null) throw new IllegalArgumentException("VGG16ImagePreProcessor.fit: iterator is null");
    }

    @Override
    public NormalizerType getType() { return NormalizerType.IMAGE_VGG16; }

    @Override
    public boolean equals(Object o) { return o instanceof VGG16ImagePreProcessor; }

    @Override
    public int hashCode() { return VGG16ImagePreProcessor.class.hashCode(); }

    private static void apply(INDArray f, int sign) {
        if (f.rank() != 4 || f.size(1) != 3) {
            throw new IllegalArgumentException("VGG16ImagePreProcessor: features must be NCHW with 3 channels, got shape " + Arrays.toString(f.shape()));
        }
        int n = (int) f.size(0), plane = (int) (f.size(2) * f.size(3));
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                double d = sign * MEANS[c];
                int base = (i * 3 + c) * plane;
                for (int k = 0; k < plane; k++) f.putLinear(base + k, f.getDoubleLinear(base + k) + d);
            }
        }
    }

    @Override
    public String toString() { return "VGG16ImagePreProcessor()"; }
}
