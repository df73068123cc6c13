package org.pydl4j.spark.transfer;

import java.util.Arrays;
import org.apache.spark.broadcast.Broadcast;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.TransferLearningHelper;
import org.pydl4j.spark.impl.NetworkBytes;

/**
 * The frozen part of the broadcast transfer graph, read once per executor JVM and kept for later tasks and later
 * featurizing runs of the same graph (keyed by the SHA-1 of its model zip; one entry, so an executor holds at most
 * one model).
 */
final class FrozenPartCache {
    private FrozenPartCache() {}

    private static String key;
    private static TransferLearningHelper helper;

    static synchronized TransferLearningHelper get(Broadcast<byte[]> graph, String graphDigest, String[] frozenOutputAt) {
        String wanted = graphDigest + "|" + Arrays.toString(frozenOutputAt);
        if (!wanted.equals(key)) {
            helper = null;   // let the previous model go before reading the next
            ComputationGraph net = (ComputationGraph) NetworkBytes.read(graph.value(), false, false);
            helper = new TransferLearningHelper(net, frozenOutputAt);
            key = wanted;
        }
        return helper;
    }
}
