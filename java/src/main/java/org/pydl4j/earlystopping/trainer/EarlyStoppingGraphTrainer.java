package org.pydl4j.earlystopping.trainer;

import org.pydl4j.earlystopping.EarlyStoppingConfiguration;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.graph.ComputationGraph;

/** Early stopping for a {@link ComputationGraph} trained on a single-input, single-output iterator, as DL4J. */
public class EarlyStoppingGraphTrainer extends BaseEarlyStoppingTrainer<ComputationGraph> {
    public EarlyStoppingGraphTrainer(EarlyStoppingConfiguration<ComputationGraph> esConfig, ComputationGraph net, DataSetIterator train) {
        super(esConfig, net, train);
        if (net.getNumInputArrays() != 1 || net.getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("EarlyStoppingGraphTrainer: a DataSetIterator feeds a graph with one input and one output; this one has "
                    + net.getNumInputArrays() + " inputs and " + net.getNumOutputArrays() + " outputs");
        }
    }

    @Override protected void fitBatch(DataSet ds) { model.fit(ds); }

    @Override protected void epochDone() { model.setEpochCount(model.getEpochCount() + 1); }
}
