package org.pydl4j.nd.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.NDArrayIndex;
import org.pydl4j.nd.Nd4j;

/** Features and labels of a mini-batch (dimension 0 is the example), as ND4J's DataSet. */
public class DataSet {
    private INDArray features;
    private INDArray labels;

    public DataSet(INDArray features, INDArray labels) {
        if (features != null && labels != null && features.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("DataSet: " + features.size(0) + " feature rows but " + labels.size(0) + " label rows");
        }
        this.features = features;
        this.labels = labels;
    }

    public INDArray getFeatures() { return features; }
    public INDArray getLabels() { return labels; }
    public void setFeatures(INDArray f) { this.features = f; }
    public void setLabels(INDArray l) { this.labels = l; }

    public int numExamples() { return features == null ? 0 : (int) features.size(0); }

    /** Examples [from, to) as views. */
    public DataSet get(int from, int to) {
        return new DataSet(features.get(NDArrayIndex.interval(from, to)), labels == null ? null : labels.get(NDArrayIndex.interval(from, to)));
    }

    /** Splits into consecutive batches of at most batchSize examples (views). */
    public List<DataSet> batchBy(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < numExamples(); i += batchSize) out.add(get(i, Math.min(numExamples(), i + batchSize)));
        return out;
    }

    /** Shuffles examples in place with the given seed (features and labels together). */
    public void shuffle(long seed) {
        int n = numExamples();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = order[i]; order[i] = order[j]; order[j] = t; }
        features = take(features, order);
        if (labels != null) labels = take(labels, order);
    }

    private static INDArray take(INDArray a, int[] rows) {
        INDArray[] parts = new INDArray[rows.length];
        for (int i = 0; i < rows.length; i++) parts[i] = a.get(NDArrayIndex.interval(rows[i], rows[i] + 1));
        return Nd4j.concat(0, parts);
    }

    /** Joins data sets along the example dimension. */
    public static DataSet merge(List<DataSet> sets) {
        INDArray[] f = sets.stream().map(DataSet::getFeatures).toArray(INDArray[]::new);
        boolean hasLabels = sets.stream().allMatch(s -> s.getLabels() != null);
        INDArray[] l = hasLabels ? sets.stream().map(DataSet::getLabels).toArray(INDArray[]::new) : null;
        return new DataSet(Nd4j.concat(0, f), hasLabels ? Nd4j.concat(0, l) : null);
    }

    @Override
    public String toString() {
        return "DataSet(features=" + (features == null ? "null" : java.util.Arrays.toString(features.shape()))
                + ", labels=" + (labels == null ? "null" : java.util.Arrays.toString(labels.shape())) + ")";
    }
}
