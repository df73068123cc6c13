package org.pydl4j.nn.listeners;

import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Model;

/**
 * A listener that knows the size of the minibatch being trained (from the forward pass's first activation, the
 * input): what speed reports (examples per second) count.
 */
public abstract class MinibatchSizeListener implements TrainingListener {
    private long lastBatchSize;

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (!activations.isEmpty()) lastBatchSize = activations.values().iterator().next().size(0);
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        if (!activations.isEmpty()) lastBatchSize = activations.get(0).size(0);
    }

    /** Examples in the last training step's minibatch (0 before the first). */
    protected long lastBatchSize() { return lastBatchSize; }
}
