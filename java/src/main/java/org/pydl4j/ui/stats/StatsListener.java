package org.pydl4j.ui.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.listeners.MinibatchSizeListener;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.nn.updater.ComputationGraphUpdater;
import org.pydl4j.ui.storage.StatsReport;
import org.pydl4j.ui.storage.StatsStorageRouter;

/**
 * Reports training to a {@link StatsStorageRouter} for the UI, as DL4J's {@code StatsListener}: at the first
 * iteration the model's description (static information), then every {@code listenerFrequency} iterations the
 * score, learning rate, minibatch size and examples per second over the iterations since the last report.
 *
 * <p>Its cost per iteration is a few field updates; a report is one small record handed to the router, which
 * never waits on the UI (see {@link org.pydl4j.ui.storage.BaseStatsStorage}).
 */
public class StatsListener extends MinibatchSizeListener {
    /** The typeID of this listener's records. */
    public static final String TYPE_ID = "StatsListener";

    private final StatsStorageRouter router;
    private final int frequency;
    private final String sessionID, workerID;
    private boolean staticInfoSent;
    private long examplesSinceReport, iterationsSinceReport, lastReportNanos = -1, totalExamples;
    private final long startMillis = System.currentTimeMillis();

    public StatsListener(StatsStorageRouter router) { this(router, 1); }

    public StatsListener(StatsStorageRouter router, int listenerFrequency) {
        this(router, listenerFrequency, null, null);
    }

    /** sessionID/workerID null: a random session, worker "0". */
    public StatsListener(StatsStorageRouter router, int listenerFrequency, String sessionID, String workerID) {
        if (router == null) throw new IllegalArgumentException("StatsListener: router is null");
        if (listenerFrequency < 1) throw new IllegalArgumentException("StatsListener: listenerFrequency must be >= 1, got " + listenerFrequency);
        this.router = router;
        this.frequency = listenerFrequency;
        this.sessionID = sessionID != null ? sessionID : UUID.randomUUID().toString().replace("-", "");
        this.workerID = workerID != null ? workerID : "0";
        if (!StatsReport.ID.matcher(this.sessionID).matches() || !StatsReport.ID.matcher(this.workerID).matches()) {
            throw new IllegalArgumentException("StatsListener: session and worker IDs are 1-64 letters, digits, '_' or '-'");
        }
    }

    public String getSessionID() { return sessionID; }

    public String getWorkerID() { return workerID; }

    public StatsStorageRouter getStorageRouter() { return router; }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (!staticInfoSent) {
            staticInfoSent = true;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("startTime", startMillis);
            info.put("numParams", model.numParams());
            Map<String, Object> description = ModelDescription.of(model);
            if (description != null) info.put("model", description);
            router.putStaticInfo(StatsReport.of(sessionID, TYPE_ID, workerID, info));
        }
        long now = System.nanoTime();
        long lastBatchSize = lastBatchSize();
        totalExamples += lastBatchSize;
        boolean first = lastReportNanos < 0;
        if (first) {                 // the clock starts at the end of the first iteration: no rate yet
            lastReportNanos = now;
        } else {
            examplesSinceReport += lastBatchSize;
            iterationsSinceReport++;
            if (iterationsSinceReport < frequency) return;
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("iteration", (long) iteration);
        v.put("epoch", (long) epoch);
        double score = model.score();
        v.put("score", Double.isFinite(score) ? score : null);     // JSON holds no NaN: null is a gap
        double lr = learningRate(model, iteration, epoch);
        v.put("learningRate", Double.isFinite(lr) ? lr : null);
        v.put("batchSize", lastBatchSize);
        v.put("totalExamples", totalExamples);
        double seconds = (now - lastReportNanos) / 1e9;
        if (seconds > 0 && examplesSinceReport > 0) {
            v.put("examplesPerSecond", examplesSinceReport / seconds);
            v.put("iterationsPerSecond", iterationsSinceReport / seconds);
        }
        router.putUpdate(StatsReport.of(sessionID, TYPE_ID, workerID, v));
        lastReportNanos = now;
        examplesSinceReport = 0;
        iterationsSinceReport = 0;
    }

    /** The rate of the first trainable parameter's updater (NaN when the model has none). */
    private static double learningRate(Model model, int iteration, int epoch) {
        ComputationGraph graph = model instanceof ComputationGraph ? (ComputationGraph) model
                : model instanceof MultiLayerNetwork ? ((MultiLayerNetwork) model).asComputationGraph() : null;
        if (graph == null) return Double.NaN;
        for (ComputationGraphUpdater.Block b : graph.getUpdater().getBlocks()) {
            if (b.config.hasLearningRate()) return b.config.getLearningRate(iteration, epoch);
        }
        return Double.NaN;
    }
}
