package org.pydl4j.spark.impl.paramavg;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.spark.api.TrainingMaster;
import org.pydl4j.spark.impl.NetworkBytes;
import org.pydl4j.spark.impl.SparkNetwork;
import org.pydl4j.spark.util.ExecutorBackend;
import scala.Tuple2;

/**
 * Synchronous parameter averaging, as dl4j-spark's {@code ParameterAveragingTrainingMaster}. The RDD's DataSets
 * (each ideally {@code rddDataSetNumExamples} examples, DL4J's advice) are taken in index order, in splits of
 * {@code numWorkers * averagingFrequency} DataSets; within a split DataSet {@code i} goes to worker
 * {@code i mod numWorkers}, so every worker fits {@code averagingFrequency} minibatches of
 * {@code batchSizePerWorker} examples from the same parameters. The driver then averages the parameters (and, with
 * {@code saveUpdater}, the updater state: momentum, Adam's moments) and broadcasts them for the next split.
 *
 * <p>With {@code averagingFrequency = 1}, equal minibatches and a linear updater (Sgd, Nesterovs), one split equals
 * one synchronous step on the union of the workers' minibatches. Adam's state is not linear in the gradients
 * (the second moment is a mean of squares), so averaged Adam differs from synchronous Adam: it converges, but not
 * along the same path.
 */
public class ParameterAveragingTrainingMaster implements TrainingMaster {
    private static final long serialVersionUID = 1L;

    private final Integer numWorkers;          // null: the context's default parallelism
    private final int rddDataSetNumExamples;
    private final int batchSizePerWorker;
    private final int averagingFrequency;
    private final int workerPrefetchNumBatches;
    private final boolean saveUpdater;
    private final StorageLevel storageLevel;
    private volatile double lastScore = Double.NaN;

    private ParameterAveragingTrainingMaster(Builder b) {
        this.numWorkers = b.numWorkers;
        this.rddDataSetNumExamples = b.rddDataSetNumExamples;
        this.batchSizePerWorker = b.batchSizePerWorker;
        this.averagingFrequency = b.averagingFrequency;
        this.workerPrefetchNumBatches = b.workerPrefetchNumBatches;
        this.saveUpdater = b.saveUpdater;
        this.storageLevel = b.storageLevel;
    }

    public int getAveragingFrequency() { return averagingFrequency; }
    public int getBatchSizePerWorker() { return batchSizePerWorker; }
    public int getRddDataSetNumExamples() { return rddDataSetNumExamples; }
    public int getWorkerPrefetchNumBatches() { return workerPrefetchNumBatches; }
    public boolean isSaveUpdater() { return saveUpdater; }
    @Override public double getLastScore() { return lastScore; }

    /** The number of workers a fit on {@code network}'s context uses. */
    public int numWorkers(SparkNetwork<?> network) {
        return numWorkers != null ? numWorkers : Math.max(1, network.getSparkContext().defaultParallelism());
    }

    @Override
    public <N extends NeuralNetwork> void executeTraining(SparkNetwork<N> spark, JavaRDD<DataSet> data) {
        int workers = numWorkers(spark);
        long perSplit = (long) workers * averagingFrequency;
        // one shuffle per epoch: DataSet i goes to worker (i mod perSplit) mod workers, kept there (persisted) for
        // all the epoch's averaging periods, each of which is then a narrow job over its index range
        JavaPairRDD<Long, DataSet> byWorker = data.zipWithIndex()
                .mapToPair(t -> new Tuple2<>((t._2() % perSplit) % workers, new Tuple2<>(t._2(), t._1())))
                .partitionBy(new HashPartitioner(workers))
                .values()
                .mapToPair(t -> t);
        byWorker.persist(storageLevel);
        try {
            long total = byWorker.count();
            double scoreSum = 0;
            long minibatches = 0;
            for (long start = 0; start < total; start += perSplit) {
                ParameterAveragingResult r = runSplit(spark, byWorker, start, Math.min(total, start + perSplit));
                scoreSum += r.scoreSum();
                minibatches += r.minibatches();
            }
            lastScore = minibatches == 0 ? Double.NaN : scoreSum / minibatches;
            N net = spark.getNetwork();
            net.setEpochCount(net.getEpochCount() + 1);
        } finally {
            byWorker.unpersist(false);
        }
    }

    private <N extends NeuralNetwork> ParameterAveragingResult runSplit(SparkNetwork<N> spark, JavaPairRDD<Long, DataSet> byWorker,
                                                                          long start, long end) {
        N net = spark.getNetwork();
        Broadcast<byte[]> bytes = spark.getSparkContext().broadcast(NetworkBytes.write(net, saveUpdater));
        try {
            ParameterAveragingWorker worker = new ParameterAveragingWorker(bytes, spark.isMultiLayer(), saveUpdater,
                    batchSizePerWorker, workerPrefetchNumBatches, ExecutorBackend.current(), start, end);
            ParameterAveragingResult sum = byWorker.mapPartitions(worker).reduce(ParameterAveragingResult::add);
            DataType type = net.params().dataType();
            net.setParams(Nd4j.create(ParameterAveragingResult.mean(sum.params(), sum.workers()), new long[]{1, sum.params().length}, type));
            if (saveUpdater && sum.updaterState() != null && sum.updaterState().length > 0) {
                INDArray state = Nd4j.create(ParameterAveragingResult.mean(sum.updaterState(), sum.workers()),
                        new long[]{1, sum.updaterState().length}, type);
                net.getUpdater().setStateViewArray(state);
            }
            net.setIterationCount(sum.iterationCount());
            return sum;
        } finally {
            bytes.destroy();
        }
    }

    @Override
    public String toString() {
        return "ParameterAveragingTrainingMaster(batchSizePerWorker=" + batchSizePerWorker + ", averagingFrequency="
                + averagingFrequency + ", workerPrefetchNumBatches=" + workerPrefetchNumBatches + ", saveUpdater=" + saveUpdater + ")";
    }

    /** As DL4J's builder: {@code new Builder(rddDataSetNumExamples).averagingFrequency(5).build()}. */
    public static class Builder {
        private Integer numWorkers;
        private final int rddDataSetNumExamples;
        private int batchSizePerWorker;
        private int averagingFrequency = 5;
        private int workerPrefetchNumBatches = 0;
        private boolean saveUpdater = true;
        private StorageLevel storageLevel = StorageLevel.MEMORY_ONLY_SER();

        /** @param rddDataSetNumExamples examples per DataSet of the RDD (also the default batchSizePerWorker) */
        public Builder(int rddDataSetNumExamples) {
            this.rddDataSetNumExamples = positive(rddDataSetNumExamples, "rddDataSetNumExamples");
            this.batchSizePerWorker = rddDataSetNumExamples;
        }

        /** @param numWorkers workers per averaging period (default: the context's default parallelism) */
        public Builder(int numWorkers, int rddDataSetNumExamples) {
            this(rddDataSetNumExamples);
            this.numWorkers = positive(numWorkers, "numWorkers");
        }

        /** Examples per minibatch on each worker. */
        public Builder batchSizePerWorker(int n) { this.batchSizePerWorker = positive(n, "batchSizePerWorker"); return this; }

        /** Minibatches each worker fits between two averagings. */
        public Builder averagingFrequency(int n) { this.averagingFrequency = positive(n, "averagingFrequency"); return this; }

        /** Minibatches a worker prepares in the background while it fits (0: none). */
        public Builder workerPrefetchNumBatches(int n) {
            if (n < 0) throw new IllegalArgumentException("workerPrefetchNumBatches must be >= 0, got " + n);
            this.workerPrefetchNumBatches = n;
            return this;
        }

        /** Average and keep the updater state (momentum, moments) across periods (true); false: fresh each period. */
        public Builder saveUpdater(boolean save) { this.saveUpdater = save; return this; }

        /** How the indexed training data is kept between periods (default MEMORY_ONLY_SER). */
        public Builder storageLevel(StorageLevel level) {
            if (level == null) throw new IllegalArgumentException("storageLevel must not be null");
            this.storageLevel = level;
            return this;
        }

        public ParameterAveragingTrainingMaster build() { return new ParameterAveragingTrainingMaster(this); }

        private static int positive(int n, String what) {
            if (n < 1) throw new IllegalArgumentException(what + " must be >= 1, got " + n);
            return n;
        }
    }
}
