package org.pydl4j.nd.dataset;

/** Prefetches MultiDataSets on a background thread, as ND4J's AsyncMultiDataSetIterator (see {@link AsyncDataSetIterator}). */
public class AsyncMultiDataSetIterator implements MultiDataSetIterator {
    private final MultiDataSetIterator base;
    private final int queueSize;
    private Prefetcher<MultiDataSet> prefetcher;

    public AsyncMultiDataSetIterator(MultiDataSetIterator baseIterator) { this(baseIterator, AsyncDataSetIterator.DEFAULT_QUEUE_SIZE); }

    public AsyncMultiDataSetIterator(MultiDataSetIterator baseIterator, int queueSize) { this(baseIterator, queueSize, true); }

    /** useWorkspace is accepted for DL4J compatibility. */
    public AsyncMultiDataSetIterator(MultiDataSetIterator baseIterator, int queueSize, boolean useWorkspace) {
        if (baseIterator == null) throw new IllegalArgumentException("AsyncMultiDataSetIterator: base iterator is null");
        if (queueSize < 2) throw new IllegalArgumentException("AsyncMultiDataSetIterator: queueSize must be >= 2, got " + queueSize);
        this.base = baseIterator;
        this.queueSize = queueSize;
        this.prefetcher = new Prefetcher<>(base, queueSize, "AsyncMultiDataSetIterator");
    }

    @Override public boolean hasNext() { return prefetcher.hasNext(); }
    @Override public MultiDataSet next() { return prefetcher.next(); }
    @Override public MultiDataSet next(int num) { return next(); }

    public void shutdown() { prefetcher.stop(); }

    @Override
    public void reset() {
        if (!base.resetSupported()) throw new UnsupportedOperationException("AsyncMultiDataSetIterator: the base iterator cannot be reset");
        prefetcher.stop();
        base.reset();
        prefetcher = new Prefetcher<>(base, queueSize, "AsyncMultiDataSetIterator");
    }

    @Override public void setPreProcessor(MultiDataSetPreProcessor p) { base.setPreProcessor(p); }
    @Override public MultiDataSetPreProcessor getPreProcessor() { return base.getPreProcessor(); }
    @Override public boolean resetSupported() { return base.resetSupported(); }
    @Override public boolean asyncSupported() { return false; }
}
