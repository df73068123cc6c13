package org.pydl4j.nd.lossfunctions;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.activations.Activation;

/**
 * A loss over [minibatch, nOut] outputs, as ND4J's ILossFunction. The output is {@code activation(preOutput)},
 * computed on the current backend.
 */
public interface ILossFunction {
    /** Loss per example, shape [minibatch]. */
    INDArray computeScoreArray(INDArray labels, INDArray preOutput, Activation activation);

    /** Total loss, divided by the minibatch size when average is true. */
    default double computeScore(INDArray labels, INDArray preOutput, Activation activation, boolean average) {
        INDArray perExample = computeScoreArray(labels, preOutput, activation);
        double s = perExample.sumNumber().doubleValue();
        return average ? s / labels.size(0) : s;
    }

    /** d(sum of per-example losses)/d(preOutput), shape of preOutput (not divided by the minibatch size). */
    INDArray computeGradient(INDArray labels, INDArray preOutput, Activation activation);

    String name();
}
