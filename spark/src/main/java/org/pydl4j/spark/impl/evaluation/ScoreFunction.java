package org.pydl4j.spark.impl.evaluation;

import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.spark.impl.NetworkBytes;
import org.pydl4j.spark.util.ExecutorBackend;

/** One partition's {sum over examples of the loss, number of examples} for the broadcast network. */
public final class ScoreFunction implements FlatMapFunction<Iterator<DataSet>, double[]> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> network;
    private final boolean multiLayer;
    private final String backend;

    public ScoreFunction(Broadcast<byte[]> network, boolean multiLayer, String backend) {
        this.network = network;
        this.multiLayer = multiLayer;
        this.backend = backend;
    }

    @Override
    public Iterator<double[]> call(Iterator<DataSet> partition) {
        if (!partition.hasNext()) return Collections.emptyIterator();
        ExecutorBackend.ensure(backend);
        NeuralNetwork net = NetworkBytes.read(network.value(), multiLayer, false);
        double sum = 0, n = 0;
        while (partition.hasNext()) {
            DataSet ds = partition.next();
            double mean = multiLayer ? ((MultiLayerNetwork) net).score(ds) : ((ComputationGraph) net).score(ds);
            sum += mean * ds.numExamples();   // score(DataSet) is the mean over the minibatch
            n += ds.numExamples();
        }
        return Collections.singletonList(new double[]{sum, n}).iterator();
    }
}
