package org.pydl4j.nd.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.NDArrayIndex;
import org.pydl4j.nd.Nd4j;

/**
 * Features and labels of a mini-batch (dimension 0 is the example), as ND4J's DataSet. Serializable (Spark RDDs of
 * DataSets) through {@link DataSetSerialForm}: the bytes of {@link #save}, read back bounded, never Java fields.
 */
public class DataSet implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private transient INDArray features;
    private transient INDArray labels;

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

    // ---------------------------------------------------------------- saving (ND4J's DataSet.save / load)

    /** Most elements one saved array may declare when read from a stream (a file is bounded by its size). */
    public static final long MAX_LOAD_ELEMENTS = 1L << 28;

    /** Writes this data set to the stream (not closed); see {@link DataSetSerde} for the layout. */
    public void save(java.io.OutputStream to) {
        try {
            DataSetSerde.write(this, to);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("DataSet.save: " + e.getMessage(), e);
        }
    }

    /** Writes this data set to a file, atomically (as ND4J, no checked exception: UncheckedIOException naming the file). */
    public void save(java.io.File to) {
        try {
            org.pydl4j.util.serde.AtomicFiles.write(to.toPath(), out -> DataSetSerde.write(this, out));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(to + ": cannot save the DataSet: " + e.getMessage(), e);
        }
    }

    /** Replaces this data set's arrays with those read from the stream. */
    public void load(java.io.InputStream from) {
        try {
            copyFrom(DataSetSerde.read(new java.io.BufferedInputStream(from), "<DataSet stream>", MAX_LOAD_ELEMENTS));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("DataSet.load: " + e.getMessage(), e);
        }
    }

    /** Replaces this data set's arrays with those saved in the file (each array bounded by the file's size). */
    public void load(java.io.File from) {
        try (java.io.InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(from.toPath()), 1 << 16)) {
            copyFrom(DataSetSerde.read(in, from.toString(), Math.min(MAX_LOAD_ELEMENTS, from.length())));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(from + ": cannot load a DataSet: " + e.getMessage(), e);
        }
    }

    private void copyFrom(DataSet d) {
        this.features = d.features;
        this.labels = d.labels;
    }

    /** Java serialization writes the saved form (see {@link DataSetSerialForm}), not the arrays' fields. */
    private Object writeReplace() throws java.io.ObjectStreamException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        save(bytes);
        return new DataSetSerialForm(bytes.toByteArray());
    }

    /** A stream that holds a DataSet's own fields was not written by {@link #writeReplace}: refused. */
    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("DataSet: only its serial form (DataSetSerialForm) is read");
    }

    /** An empty data set, for {@link #load} (as ND4J's {@code new DataSet()}). */
    public DataSet() {}

    @Override
    public String toString() {
        return "DataSet(features=" + (features == null ? "null" : java.util.Arrays.toString(features.shape()))
                + ", labels=" + (labels == null ? "null" : java.util.Arrays.toString(labels.shape())) + ")";
    }
}
