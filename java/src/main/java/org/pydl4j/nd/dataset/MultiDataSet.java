package org.pydl4j.nd.dataset;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;

/**
 * Several feature arrays and several label arrays of one minibatch, for graphs with more than one input or output,
 * as ND4J's {@code org.nd4j.linalg.dataset.MultiDataSet}. Every array has the examples along dimension 0.
 */
public class MultiDataSet {
    private INDArray[] features;
    private INDArray[] labels;

    public MultiDataSet() { this(new INDArray[0], new INDArray[0]); }

    public MultiDataSet(INDArray features, INDArray labels) {
        this(new INDArray[]{features}, labels == null ? null : new INDArray[]{labels});
    }

    public MultiDataSet(INDArray[] features, INDArray[] labels) {
        this.features = features;
        this.labels = labels;
        check();
    }

    private void check() {
        long n = -1;
        for (INDArray[] group : new INDArray[][]{features, labels}) {
            if (group == null) continue;
            for (INDArray a : group) {
                if (a == null) throw new IllegalArgumentException("MultiDataSet: null array");
                if (n >= 0 && a.size(0) != n) {
                    throw new IllegalArgumentException("MultiDataSet: arrays disagree on the number of examples (" + n + " vs " + a.size(0) + ", shape " + Arrays.toString(a.shape()) + ")");
                }
                n = a.size(0);
            }
        }
    }

    public INDArray[] getFeatures() { return features; }
    public INDArray getFeatures(int index) { return features[index]; }
    public INDArray[] getLabels() { return labels; }
    public INDArray getLabels(int index) { return labels[index]; }
    public void setFeatures(INDArray[] f) { this.features = f; check(); }
    public void setLabels(INDArray[] l) { this.labels = l; check(); }
    public void setFeatures(int index, INDArray f) { features[index] = f; check(); }
    public void setLabels(int index, INDArray l) { labels[index] = l; check(); }
    public int numFeatureArrays() { return features == null ? 0 : features.length; }
    public int numLabelsArrays() { return labels == null ? 0 : labels.length; }

    /** Masks are not supported by this library: always null. */
    public INDArray[] getFeaturesMaskArrays() { return null; }
    public INDArray[] getLabelsMaskArrays() { return null; }

    public int numExamples() { return numFeatureArrays() == 0 ? 0 : (int) features[0].size(0); }

    /** A single-input, single-output MultiDataSet as a DataSet. */
    public DataSet toDataSet() {
        if (numFeatureArrays() != 1 || numLabelsArrays() > 1) {
            throw new IllegalStateException("MultiDataSet with " + numFeatureArrays() + " feature and " + numLabelsArrays() + " label arrays is not a DataSet");
        }
        return new DataSet(features[0], numLabelsArrays() == 0 ? null : labels[0]);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MultiDataSet(features=");
        for (INDArray f : features) sb.append(Arrays.toString(f.shape()));
        sb.append(", labels=");
        if (labels != null) for (INDArray l : labels) sb.append(Arrays.toString(l.shape()));
        return sb.append(")").toString();
    }
}
