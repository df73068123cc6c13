package org.pydl4j.spark.impl.graph;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.spark.api.TrainingMaster;
import org.pydl4j.spark.impl.SparkNetwork;

/** A {@link ComputationGraph} trained and evaluated on Spark, as dl4j-spark's {@code SparkComputationGraph}. */
public class SparkComputationGraph extends SparkNetwork<ComputationGraph> {

    public SparkComputationGraph(SparkContext sc, ComputationGraph network, TrainingMaster trainingMaster) {
        this(new JavaSparkContext(sc), network, trainingMaster);
    }

    public SparkComputationGraph(JavaSparkContext sc, ComputationGraph network, TrainingMaster trainingMaster) {
        super(sc, network, trainingMaster);
    }

    /** A new graph of {@code conf}, initialized on the driver. */
    public SparkComputationGraph(JavaSparkContext sc, ComputationGraphConfiguration conf, TrainingMaster trainingMaster) {
        this(sc, initialized(conf), trainingMaster);
    }

    public SparkComputationGraph(SparkContext sc, ComputationGraphConfiguration conf, TrainingMaster trainingMaster) {
        this(new JavaSparkContext(sc), conf, trainingMaster);
    }

    private static ComputationGraph initialized(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    @Override public boolean isMultiLayer() { return false; }
}
