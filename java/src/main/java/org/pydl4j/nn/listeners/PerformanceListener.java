package org.pydl4j.nn.listeners;

import org.pydl4j.nn.api.Model;

/**
 * Prints training speed every {@code frequency} iterations, as DL4J's PerformanceListener: iteration time, examples
 * and batches per second (over the iterations since the last report), optionally the score. Example counts come
 * from each step's input minibatch.
 */
public class PerformanceListener extends MinibatchSizeListener {
    private final int frequency;
    private final boolean reportScore, reportIteration, reportTime, reportSample, reportBatch;
    private long lastReport = -1, samples, batches;
    private double lastSamplesPerSecond = Double.NaN, lastBatchesPerSecond = Double.NaN;

    public PerformanceListener(int frequency) { this(frequency, false); }

    public PerformanceListener(int frequency, boolean reportScore) { this(frequency, reportScore, true, true, true, true); }

    private PerformanceListener(int frequency, boolean reportScore, boolean reportIteration, boolean reportTime, boolean reportSample, boolean reportBatch) {
        if (frequency < 1) throw new IllegalArgumentException("PerformanceListener: frequency must be >= 1, got " + frequency);
        this.frequency = frequency;
        this.reportScore = reportScore;
        this.reportIteration = reportIteration;
        this.reportTime = reportTime;
        this.reportSample = reportSample;
        this.reportBatch = reportBatch;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        long now = System.nanoTime();
        samples += lastBatchSize();
        batches++;
        if (lastReport < 0) {   // the first iteration starts the clock
            lastReport = now;
            samples = 0;
            batches = 0;
            return;
        }
        if (batches < frequency) return;
        double seconds = Math.max(now - lastReport, 1) / 1e9;
        lastSamplesPerSecond = samples / seconds;
        lastBatchesPerSecond = batches / seconds;
        StringBuilder sb = new StringBuilder();
        if (reportIteration) sb.append("iteration ").append(iteration).append("; ");
        if (reportTime) sb.append(String.format("iteration time: %.1f ms; ", seconds * 1000 / batches));
        if (reportSample) sb.append(String.format("samples/sec: %.3f; ", lastSamplesPerSecond));
        if (reportBatch) sb.append(String.format("batches/sec: %.3f; ", lastBatchesPerSecond));
        if (reportScore) sb.append("score: ").append(model.score()).append(';');
        System.out.println(sb.toString().trim());
        lastReport = now;
        samples = 0;
        batches = 0;
    }

    /** Examples per second over the last reported window (NaN before the first report). */
    public double getLastSamplesPerSecond() { return lastSamplesPerSecond; }

    /** Minibatches per second over the last reported window (NaN before the first report). */
    public double getLastBatchesPerSecond() { return lastBatchesPerSecond; }

    /** As DL4J's PerformanceListener.Builder. */
    public static class Builder {
        private int frequency = 1;
        private boolean score, iteration = true, time = true, sample = true, batch = true;

        public Builder setFrequency(int frequency) { this.frequency = frequency; return this; }
        public Builder reportScore(boolean b) { score = b; return this; }
        public Builder reportIteration(boolean b) { iteration = b; return this; }
        public Builder reportTime(boolean b) { time = b; return this; }
        public Builder reportSample(boolean b) { sample = b; return this; }
        public Builder reportBatch(boolean b) { batch = b; return this; }
        /** Accepted: data loading time is not measured separately here. */
        public Builder reportETL(boolean b) { return this; }

        public PerformanceListener build() { return new PerformanceListener(frequency, score, iteration, time, sample, batch); }
    }
}
