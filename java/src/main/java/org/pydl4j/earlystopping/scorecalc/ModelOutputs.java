package org.pydl4j.earlystopping.scorecalc;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;

/** What the score calculators ask of a network, per model kind (DL4J's calculators switch on the kind the same way). */
final class ModelOutputs {
    private ModelOutputs() {}

    /** Inference-mode loss plus regularization of one minibatch. */
    static double score(Model network, DataSet ds) {
        if (network instanceof ComputationGraph) return ((ComputationGraph) network).score(ds, false);
        if (network instanceof MultiLayerNetwork) return ((MultiLayerNetwork) network).score(ds, false);
        throw unsupported(network);
    }

    /** Inference-mode output of a single-output network. */
    static INDArray output(Model network, INDArray features) {
        if (network instanceof NeuralNetwork) return ((NeuralNetwork) network).outputSingle(false, features);
        throw unsupported(network);
    }

    private static IllegalArgumentException unsupported(Model network) {
        return new IllegalArgumentException("score calculators work on a ComputationGraph or a MultiLayerNetwork, got " + (network == null ? "null" : network.getClass().getSimpleName()));
    }
}
