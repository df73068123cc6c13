package org.pydl4j.spark.api;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.spark.impl.SparkNetwork;

/**
 * How a network is trained on an RDD of DataSets, as dl4j-spark's {@code TrainingMaster}: the master runs on the
 * driver, hands work to the executors and puts the result into the driver's network.
 */
public interface TrainingMaster extends Serializable {
    /** One pass (epoch) over {@code data}; the driver's network holds the result afterwards. */
    <N extends NeuralNetwork> void executeTraining(SparkNetwork<N> network, JavaRDD<DataSet> data);

    /** The mean minibatch loss of the last {@link #executeTraining} (NaN before). */
    double getLastScore();
}
