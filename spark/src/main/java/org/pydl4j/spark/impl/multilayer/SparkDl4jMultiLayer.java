package org.pydl4j.spark.impl.multilayer;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.spark.api.TrainingMaster;
import org.pydl4j.spark.impl.SparkNetwork;

/** A {@link MultiLayerNetwork} trained and evaluated on Spark, as dl4j-spark's {@code SparkDl4jMultiLayer}. */
public class SparkDl4jMultiLayer extends SparkNetwork<MultiLayerNetwork> {

    public SparkDl4jMultiLayer(SparkContext sc, MultiLayerNetwork network, TrainingMaster trainingMaster) {
        this(new JavaSparkContext(sc), network, trainingMaster);
    }

    public SparkDl4jMultiLayer(JavaSparkContext sc, MultiLayerNetwork network, TrainingMaster trainingMaster) {
        super(sc, network, trainingMaster);
    }

    /** A new network of {@code conf}, initialized on the driver. */
    public SparkDl4jMultiLayer(JavaSparkContext sc, MultiLayerConfiguration conf, TrainingMaster trainingMaster) {
        this(sc, initialized(conf), trainingMaster);
    }

    public SparkDl4jMultiLayer(SparkContext sc, MultiLayerConfiguration conf, TrainingMaster trainingMaster) {
        this(new JavaSparkContext(sc), conf, trainingMaster);
    }

    private static MultiLayerNetwork initialized(MultiLayerConfiguration conf) {
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    @Override public boolean isMultiLayer() { return true; }
}
