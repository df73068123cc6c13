package org.pydl4j.spark.impl.evaluation;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.spark.impl.NetworkBytes;
import org.pydl4j.spark.util.ExecutorBackend;

/** One partition's {@link Evaluation} of the broadcast network (the driver merges them). */
public final class EvaluateFunction implements FlatMapFunction<Iterator<DataSet>, Evaluation> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> network;
    private final boolean multiLayer;
    private final List<String> labels;
    private final String backend;

    public EvaluateFunction(Broadcast<byte[]> network, boolean multiLayer, List<String> labels, String backend) {
        this.network = network;
        this.multiLayer = multiLayer;
        this.labels = labels == null ? null : List.copyOf(labels);
        this.backend = backend;
    }

    @Override
    public Iterator<Evaluation> call(Iterator<DataSet> partition) {
        if (!partition.hasNext()) return Collections.emptyIterator();
        ExecutorBackend.ensure(backend);
        NeuralNetwork net = NetworkBytes.read(network.value(), multiLayer, false);
        Evaluation evaluation = labels == null ? new Evaluation() : new Evaluation(labels);
        while (partition.hasNext()) {
            DataSet ds = partition.next();
            evaluation.eval(ds.getLabels(), net.outputSingle(false, ds.getFeatures()));
        }
        return Collections.singletonList(evaluation).iterator();
    }
}
