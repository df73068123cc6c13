package org.pydl4j.spark.transfer;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.spark.impl.NetworkBytes;
import org.pydl4j.spark.util.ExecutorBackend;
import scala.Tuple2;

/**
 * Transfer learning's expensive half on Spark: images are read, hashed and decoded on the executors (with the
 * local job's decoder, see {@link DecoderSpec}), featurized by the frozen part of the broadcast graph, and written
 * to a {@link FeatureStore} Parquet folder; the driver gets the result back to train the head or fill its cache.
 */
public class SparkFeaturizer {
    private final JavaSparkContext sc;
    private final ComputationGraph graph;
    private final String[] frozenOutputAt;
    private final DecoderSpec decoder;
    private int batchSize = 32;
    private int imagesPerTask = 64;

    /**
     * @param frozenOutputAt the frozen part's boundary vertices, as for {@code TransferLearningHelper} (empty: the
     *                       graph's own frozen layers)
     */
    public SparkFeaturizer(JavaSparkContext sc, ComputationGraph graph, String[] frozenOutputAt, DecoderSpec decoder) {
        if (sc == null || graph == null || decoder == null) throw new IllegalArgumentException("SparkFeaturizer: context, graph and decoder are required");
        this.sc = sc;
        this.graph = graph;
        this.frozenOutputAt = frozenOutputAt == null ? new String[0] : frozenOutputAt.clone();
        this.decoder = decoder;
    }

    /** Images per call of the frozen part on an executor (default 32). */
    public SparkFeaturizer batchSize(int n) {
        if (n < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + n);
        this.batchSize = n;
        return this;
    }

    /** Images per Spark task (default 64): smaller tasks balance better and lose less when an executor dies. */
    public SparkFeaturizer imagesPerTask(int n) {
        if (n < 1) throw new IllegalArgumentException("imagesPerTask must be >= 1, got " + n);
        this.imagesPerTask = n;
        return this;
    }

    /** Featurizes {@code paths} (any Hadoop URI; {@code labels[i]} is the class of {@code paths[i]}) into {@code storeDir}. */
    public FeaturizeResult featurize(List<String> paths, List<String> labels, String storeDir) {
        if (paths.size() != labels.size()) throw new IllegalArgumentException("featurize: " + paths.size() + " paths but " + labels.size() + " labels");
        List<Tuple2<String, String>> images = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) images.add(new Tuple2<>(paths.get(i), labels.get(i)));
        // tasks of at most imagesPerTask images, and enough of them to give every core of the cluster work
        int partitions = Math.max((int) Math.ceil(images.size() / (double) imagesPerTask),
                Math.min(images.size(), 2 * sc.defaultParallelism()));
        partitions = Math.max(1, partitions);
        byte[] zip = NetworkBytes.write(graph, false);
        Broadcast<byte[]> bytes = sc.broadcast(zip);
        try {
            JavaRDD<Row> rows = sc.parallelize(images, partitions).mapPartitions(new FeaturizeTask(bytes,
                    FeaturizeTask.sha1(zip), frozenOutputAt, decoder, batchSize, ExecutorBackend.current()));
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            String run = FeatureStore.write(spark, rows, storeDir);
            return new FeaturizeResult(run, FeatureStore.read(spark, run));
        } finally {
            bytes.destroy();
        }
    }
}
