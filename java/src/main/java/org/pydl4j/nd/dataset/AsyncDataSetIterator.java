package org.pydl4j.nd.dataset;

import java.util.List;

/**
 * Prefetches minibatches of another iterator on a background thread, as ND4J's AsyncDataSetIterator: up to
 * {@code queueSize} batches (default 8) are read ahead while the caller trains.
 *
 * <p>Memory: the batches are made on the prefetch thread, outside any {@link org.pydl4j.nd.MemoryScope} (a scope
 * belongs to the thread that opened it, and the prefetch thread never opens one), so the consumer's training step,
 * which closes only the arrays its own scope allocated, never closes them; they are released by the garbage
 * collector once the consumer drops them. An exception on the prefetch thread is rethrown to the consumer by
 * {@code hasNext}/{@code next}.
 */
public class AsyncDataSetIterator implements DataSetIterator {
    public static final int DEFAULT_QUEUE_SIZE = 8;

    private final DataSetIterator base;
    private final int queueSize;
    private Prefetcher<DataSet> prefetcher;

    public AsyncDataSetIterator(DataSetIterator baseIterator) { this(baseIterator, DEFAULT_QUEUE_SIZE); }

    public AsyncDataSetIterator(DataSetIterator baseIterator, int queueSize) { this(baseIterator, queueSize, true); }

    /** useWorkspace is accepted for DL4J compatibility (memory is handled as described above). */
    public AsyncDataSetIterator(DataSetIterator baseIterator, int queueSize, boolean useWorkspace) {
        if (baseIterator == null) throw new IllegalArgumentException("AsyncDataSetIterator: base iterator is null");
        if (queueSize < 2) throw new IllegalArgumentException("AsyncDataSetIterator: queueSize must be >= 2, got " + queueSize);
        this.base = baseIterator;
        this.queueSize = queueSize;
        this.prefetcher = new Prefetcher<>(base, queueSize, "AsyncDataSetIterator");
    }

    @Override public boolean hasNext() { return prefetcher.hasNext(); }

    @Override public DataSet next() { return prefetcher.next(); }

    /** Batches come from the queue as the base iterator made them: num is ignored, as in ND4J. */
    @Override public DataSet next(int num) { return next(); }

    /** Stops the prefetch thread and waits for it. */
    public void shutdown() { prefetcher.stop(); }

    @Override
    public void reset() {
        if (!base.resetSupported()) throw new UnsupportedOperationException("AsyncDataSetIterator: the base iterator cannot be reset");
        prefetcher.stop();
        base.reset();
        prefetcher = new Prefetcher<>(base, queueSize, "AsyncDataSetIterator");
    }

    @Override public int inputColumns() { return base.inputColumns(); }
    @Override public int totalOutcomes() { return base.totalOutcomes(); }
    @Override public boolean resetSupported() { return base.resetSupported(); }
    @Override public boolean asyncSupported() { return false; }
    @Override public int batch() { return base.batch(); }
    /** Sets the base iterator's pre-processor (it runs on the prefetch thread, as in ND4J); takes effect after reset. */
    @Override public void setPreProcessor(DataSetPreProcessor p) { base.setPreProcessor(p); }
    @Override public DataSetPreProcessor getPreProcessor() { return base.getPreProcessor(); }
    @Override public List<String> getLabels() { return base.getLabels(); }
}
