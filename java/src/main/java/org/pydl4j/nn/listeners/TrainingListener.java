package org.pydl4j.nn.listeners;

import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Model;

/**
 * Training callbacks, as DL4J's TrainingListener (which lives in {@code org.deeplearning4j.optimize.api}); every
 * method has a no-op default so that Python (JPype) can implement only what it needs.
 */
public interface TrainingListener {
    /** After each parameter update; iteration counts updates since the network was created. */
    default void iterationDone(Model model, int iteration, int epoch) {}

    default void onEpochStart(Model model) {}

    default void onEpochEnd(Model model) {}

    /** After the forward pass of a training step, with every vertex's activations. */
    default void onForwardPass(Model model, Map<String, INDArray> activations) {}

    /** After the forward pass of a MultiLayerNetwork's training step: the input, then each layer's activations. */
    default void onForwardPass(Model model, List<INDArray> activations) {}

    /** After gradients are computed, before the update. */
    default void onGradientCalculation(Model model) {}

    /** After the backward pass. */
    default void onBackwardPass(Model model) {}
}
