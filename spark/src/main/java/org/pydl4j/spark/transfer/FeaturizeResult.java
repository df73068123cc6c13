package org.pydl4j.spark.transfer;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/**
 * What a distributed featurizing run produced, read back from its committed Parquet folder: for every decoded
 * image its path, label, content hash and a row of {@link #features()}; for every other image its path and reason.
 */
public final class FeaturizeResult {
    private final String store;
    private final List<String> paths = new ArrayList<>(), labels = new ArrayList<>(), hashes = new ArrayList<>();
    private final List<String> skippedPaths = new ArrayList<>(), skippedReasons = new ArrayList<>();
    private final INDArray features;

    FeaturizeResult(String store, List<Row> rows) {
        this.store = store;
        List<float[]> vectors = new ArrayList<>();
        for (Row row : rows) {
            String path = row.getString(3);
            if (row.isNullAt(2)) {
                skippedPaths.add(path);
                skippedReasons.add(row.isNullAt(4) ? "no features" : row.getString(4));
                continue;
            }
            List<Float> v = row.getList(2);
            float[] vector = new float[v.size()];
            for (int i = 0; i < vector.length; i++) vector[i] = v.get(i);
            if (!vectors.isEmpty() && vector.length != vectors.get(0).length) {
                throw new IllegalStateException(store + ": vectors of lengths " + vectors.get(0).length + " and " + vector.length);
            }
            vectors.add(vector);
            paths.add(path);
            labels.add(row.getString(0));
            hashes.add(row.getString(1));
        }
        int dim = vectors.isEmpty() ? 0 : vectors.get(0).length;
        float[] flat = new float[vectors.size() * dim];
        for (int i = 0; i < vectors.size(); i++) System.arraycopy(vectors.get(i), 0, flat, i * dim, dim);
        this.features = vectors.isEmpty() ? Nd4j.zeros(0L, 0L) : Nd4j.create(flat, vectors.size(), dim);
    }

    /** The committed Parquet folder. */
    public String store() { return store; }
    /** [decoded images, feature length], float32, in {@link #paths()} order. */
    public INDArray features() { return features; }
    public String[] paths() { return paths.toArray(String[]::new); }
    public String[] labels() { return labels.toArray(String[]::new); }
    public String[] contentHashes() { return hashes.toArray(String[]::new); }
    public String[] skippedPaths() { return skippedPaths.toArray(String[]::new); }
    public String[] skippedReasons() { return skippedReasons.toArray(String[]::new); }
}
