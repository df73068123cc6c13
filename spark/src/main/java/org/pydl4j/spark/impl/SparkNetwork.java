package org.pydl4j.spark.impl;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.spark.api.TrainingMaster;
import org.pydl4j.spark.data.DataSetFiles;
import org.pydl4j.spark.impl.evaluation.EvaluateFunction;
import org.pydl4j.spark.impl.evaluation.ScoreFunction;
import org.pydl4j.spark.util.ExecutorBackend;

/**
 * What {@code SparkComputationGraph} and {@code SparkDl4jMultiLayer} share: the driver's network, its
 * {@link TrainingMaster}, and the distributed fit / evaluate / score, with DL4J's method names.
 */
public abstract class SparkNetwork<N extends NeuralNetwork> {
    private final JavaSparkContext sc;
    private final TrainingMaster trainingMaster;
    private N network;

    protected SparkNetwork(JavaSparkContext sc, N network, TrainingMaster trainingMaster) {
        if (sc == null || network == null || trainingMaster == null) {
            throw new IllegalArgumentException("Spark network: the context, the network and the training master are required");
        }
        this.sc = sc;
        this.network = network;
        this.trainingMaster = trainingMaster;
    }

    /** True for a MultiLayerNetwork (how executors read the broadcast model zip). */
    public abstract boolean isMultiLayer();

    public JavaSparkContext getSparkContext() { return sc; }
    public TrainingMaster getTrainingMaster() { return trainingMaster; }

    /** The driver's network (holds the trained parameters after {@link #fit}). */
    public N getNetwork() { return network; }
    public void setNetwork(N network) { this.network = network; }

    /** The mean minibatch loss of the last fit (NaN before any). */
    public double getScore() { return trainingMaster.getLastScore(); }

    /** One epoch over the RDD with the training master; returns the driver's network. */
    public N fit(JavaRDD<DataSet> data) {
        trainingMaster.executeTraining(this, data);
        return network;
    }

    /** One epoch over the DataSets saved ({@code DataSet.save}) under {@code path} (any Hadoop file system URI). */
    public N fit(String path) { return fit(DataSetFiles.load(sc, path)); }

    /** Classification metrics of the network on the RDD, computed on the executors and merged on the driver. */
    public <T extends Evaluation> T evaluate(JavaRDD<DataSet> data) { return evaluate(data, null); }

    /** As {@link #evaluate(JavaRDD)} with class names. */
    @SuppressWarnings("unchecked")
    public <T extends Evaluation> T evaluate(JavaRDD<DataSet> data, List<String> labelsList) {
        Broadcast<byte[]> bytes = sc.broadcast(NetworkBytes.write(network, false));
        try {
            Evaluation merged = data.mapPartitions(new EvaluateFunction(bytes, isMultiLayer(), labelsList, ExecutorBackend.current()))
                    .fold(emptyEvaluation(labelsList), (a, b) -> { a.merge(b); return a; });
            return (T) merged;
        } finally {
            bytes.destroy();
        }
    }

    /** The loss over the RDD: the mean per example when {@code average}, else the sum over examples. */
    public double calculateScore(JavaRDD<DataSet> data, boolean average) {
        Broadcast<byte[]> bytes = sc.broadcast(NetworkBytes.write(network, false));
        try {
            double[] sum = data.mapPartitions(new ScoreFunction(bytes, isMultiLayer(), ExecutorBackend.current()))
                    .fold(new double[2], (a, b) -> new double[]{a[0] + b[0], a[1] + b[1]});
            return average ? (sum[1] == 0 ? Double.NaN : sum[0] / sum[1]) : sum[0];
        } finally {
            bytes.destroy();
        }
    }

    private static Evaluation emptyEvaluation(List<String> labels) {
        return labels == null ? new Evaluation() : new Evaluation(labels);
    }
}
