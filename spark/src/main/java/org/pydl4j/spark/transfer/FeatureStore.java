package org.pydl4j.spark.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Distributed features as Parquet: one row per image (label, content_hash = SHA-1 of the file's bytes as in the
 * local feature cache, vector, path, error = why the image was skipped, null when it has a vector).
 *
 * <p>Atomic and idempotent under task retries: Spark's commit protocol keeps the output of exactly one attempt of
 * each task (a killed or retried attempt's files stay in its own temporary folder), and the job's folder is written
 * under a temporary name ({@code _tmp-*}, which Parquet readers skip) and renamed to {@code features-*.parquet} only
 * once every task has committed. A reader therefore sees whole runs or nothing.
 */
public final class FeatureStore {
    private FeatureStore() {}

    public static final StructType SCHEMA = new StructType()
            .add("label", DataTypes.StringType, false)
            .add("content_hash", DataTypes.StringType, true)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("path", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true);

    static Row good(String label, String hash, String path, float[] vector) {
        return RowFactory.create(label, hash, vector, path, null);
    }

    static Row bad(String label, String hash, String path, String reason) {
        return RowFactory.create(label, hash, null, path, reason);
    }

    /** Writes the rows into a new run folder under {@code storeDir}; returns its path once committed. */
    static String write(SparkSession spark, JavaRDD<Row> rows, String storeDir) {
        String name = "features-" + String.format("%020d", System.currentTimeMillis()) + "-" + UUID.randomUUID().toString().substring(0, 12) + ".parquet";
        Path dir = new Path(storeDir), tmp = new Path(dir, "_tmp-" + name), done = new Path(dir, name);
        Dataset<Row> frame = spark.createDataFrame(rows, SCHEMA);
        frame.write().parquet(tmp.toString());
        try {
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.rename(tmp, done)) throw new IOException("rename " + tmp + " -> " + done + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException("feature store " + storeDir + ": " + e.getMessage(), e);
        }
        return done.toString();
    }

    /** Every row of a committed run folder. */
    static List<Row> read(SparkSession spark, String runDir) {
        return spark.read().schema(SCHEMA).parquet(runDir).collectAsList();
    }
}
