package org.pydl4j.earlystopping.trainer;

import org.pydl4j.earlystopping.EarlyStoppingConfiguration;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;

/** Early stopping for a {@link MultiLayerNetwork}, as DL4J's {@code EarlyStoppingTrainer}. */
public class EarlyStoppingTrainer extends BaseEarlyStoppingTrainer<MultiLayerNetwork> {
    public EarlyStoppingTrainer(EarlyStoppingConfiguration<MultiLayerNetwork> esConfig, MultiLayerNetwork net, DataSetIterator train) {
        super(esConfig, net, train);
    }

    @Override protected void fitBatch(DataSet ds) { model.fit(ds); }

    @Override protected void epochDone() { model.setEpochCount(model.getEpochCount() + 1); }
}
