package org.pydl4j.spark.impl.paramavg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.pydl4j.nd.dataset.AsyncDataSetIterator;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.ExistingDataSetIterator;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.spark.impl.NetworkBytes;
import org.pydl4j.spark.util.ExecutorBackend;
import scala.Tuple2;

/**
 * One worker's share of an averaging period (runs on an executor): the network as the driver broadcast it
 * (parameters, and updater state with saveUpdater), fitted on this partition's DataSets of the period (indices
 * [start, end)) in index order, sent back as a {@link ParameterAveragingResult}.
 */
final class ParameterAveragingWorker implements FlatMapFunction<Iterator<Tuple2<Long, DataSet>>, ParameterAveragingResult> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> network;
    private final boolean multiLayer;
    private final boolean withUpdater;
    private final int batchSizePerWorker;
    private final int prefetchBatches;
    private final String backend;
    private final long start, end;

    ParameterAveragingWorker(Broadcast<byte[]> network, boolean multiLayer, boolean withUpdater, int batchSizePerWorker,
                             int prefetchBatches, String backend, long start, long end) {
        this.start = start;
        this.end = end;
        this.network = network;
        this.multiLayer = multiLayer;
        this.withUpdater = withUpdater;
        this.batchSizePerWorker = batchSizePerWorker;
        this.prefetchBatches = prefetchBatches;
        this.backend = backend;
    }

    @Override
    public Iterator<ParameterAveragingResult> call(Iterator<Tuple2<Long, DataSet>> partition) {
        List<Tuple2<Long, DataSet>> items = new ArrayList<>();
        partition.forEachRemaining(t -> { if (t._1() >= start && t._1() < end) items.add(t); });
        if (items.isEmpty()) return Collections.emptyIterator();   // a worker without data takes no part in the average
        items.sort(Comparator.comparing(Tuple2::_1));               // the shuffle does not keep the order
        List<DataSet> minibatches = new ArrayList<>();
        for (Tuple2<Long, DataSet> item : items) {
            DataSet ds = item._2();
            if (ds.numExamples() > batchSizePerWorker) minibatches.addAll(ds.batchBy(batchSizePerWorker));
            else minibatches.add(ds);
        }
        ExecutorBackend.ensure(backend);
        NeuralNetwork net = NetworkBytes.read(network.value(), multiLayer, withUpdater);
        DataSetIterator it = new ExistingDataSetIterator(minibatches.iterator());
        if (prefetchBatches > 0) it = new AsyncDataSetIterator(it, Math.max(2, prefetchBatches));
        double scoreSum = 0;
        long count = 0;
        while (it.hasNext()) {
            net.fit(it.next());
            scoreSum += net.score();
            count++;
        }
        double[] params = net.params().toDoubleVector();
        double[] state = withUpdater ? net.getUpdater().getStateViewArray().toDoubleVector() : null;
        return Collections.singletonList(new ParameterAveragingResult(params, state, scoreSum, count, 1,
                net.getIterationCount())).iterator();
    }
}
