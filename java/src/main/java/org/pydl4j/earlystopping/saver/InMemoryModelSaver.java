package org.pydl4j.earlystopping.saver;

import java.lang.reflect.InvocationTargetException;
import org.pydl4j.earlystopping.EarlyStoppingModelSaver;
import org.pydl4j.nn.api.Model;

/**
 * Keeps deep copies (parameters, updater state, configuration) of the best and latest networks in memory, as DL4J's
 * {@code InMemoryModelSaver}. Training goes on with the original, so the copies never change afterwards.
 */
public class InMemoryModelSaver<T extends Model> implements EarlyStoppingModelSaver<T> {
    private T bestModel, latestModel;

    @Override public void saveBestModel(T net, double score) { bestModel = copy(net); }

    @Override public void saveLatestModel(T net, double score) { latestModel = copy(net); }

    @Override public T getBestModel() { return bestModel; }

    @Override public T getLatestModel() { return latestModel; }

    /** The network's public deep-copying {@code clone()} (ComputationGraph, MultiLayerNetwork). */
    @SuppressWarnings("unchecked")
    private static <T extends Model> T copy(T net) {
        if (net == null) throw new IllegalArgumentException("InMemoryModelSaver: the network is null");
        try {
            return (T) net.getClass().getMethod("clone").invoke(net);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException("InMemoryModelSaver: " + net.getClass().getSimpleName() + " has no public clone()", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new IllegalStateException("InMemoryModelSaver: cloning " + net.getClass().getSimpleName() + " failed", cause);
        }
    }

    @Override public String toString() { return "InMemoryModelSaver()"; }
}
