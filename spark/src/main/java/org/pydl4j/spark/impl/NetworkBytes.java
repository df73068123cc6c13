package org.pydl4j.spark.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.util.ModelSerializer;

/**
 * A network as it travels to the executors: the bytes of a model zip ({@link ModelSerializer}), read back with the
 * zip's CRC and finite-parameter checks, so an executor trusts a broadcast no more than a file.
 */
public final class NetworkBytes {
    private NetworkBytes() {}

    /** The model zip of {@code network}, with its updater state when {@code withUpdater}. */
    public static byte[] write(NeuralNetwork network, boolean withUpdater) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try {
            ModelSerializer.writeModel(network, out, withUpdater);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the network for the executors: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The network of a model zip: a MultiLayerNetwork when {@code multiLayer}, else a ComputationGraph. */
    public static NeuralNetwork read(byte[] zip, boolean multiLayer, boolean loadUpdater) {
        try (ByteArrayInputStream in = new ByteArrayInputStream(zip)) {
            return multiLayer ? ModelSerializer.restoreMultiLayerNetwork(in, loadUpdater)
                    : ModelSerializer.restoreComputationGraph(in, loadUpdater);
        } catch (IOException e) {
            throw new UncheckedIOException("the network sent by the driver cannot be read: " + e.getMessage(), e);
        }
    }
}
