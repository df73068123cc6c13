package org.pydl4j.nd.dataset;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.pydl4j.nd.MemoryScope;

/**
 * Prefetches minibatches of another iterator on a background thread, as ND4J's AsyncDataSetIterator: up to
 * {@code queueSize} batches (default 8) are read ahead while the caller trains.
 *
 * <p>Memory: the batches are made on the prefetch thread, outside any {@link MemoryScope} (a scope belongs to the
 * thread that opened it, and the prefetch thread never opens one), so the consumer's training step, which closes
 * only the arrays its own scope allocated, never closes them; they are released by the garbage collector once the
 * consumer drops them. An exception on the prefetch thread is rethrown to the consumer by {@code hasNext}/{@code next}.
 */
public class AsyncDataSetIterator implements DataSetIterator {
    public static final int DEFAULT_QUEUE_SIZE = 8;

    /** Marks the end of the base iterator in the queue. */
    private static final DataSet END = new DataSet();

    private final DataSetIterator base;
    private final int queueSize;
    private BlockingQueue<Object> queue;
    private Thread worker;
    private Object peeked;
    private volatile boolean stop;

    public AsyncDataSetIterator(DataSetIterator baseIterator) { this(baseIterator, DEFAULT_QUEUE_SIZE); }

    public AsyncDataSetIterator(DataSetIterator baseIterator, int queueSize) { this(baseIterator, queueSize, true); }

    /** useWorkspace is accepted for DL4J compatibility (memory is handled as described above). */
    public AsyncDataSetIterator(DataSetIterator baseIterator, int queueSize, boolean useWorkspace) {
        if (baseIterator == null) throw new IllegalArgumentException("AsyncDataSetIterator: base iterator is null");
        if (queueSize < 2) throw new IllegalArgumentException("AsyncDataSetIterator: queueSize must be >= 2, got " + queueSize);
        this.base = baseIterator;
        this.queueSize = queueSize;
        start();
    }

    private void start() {
        queue = new ArrayBlockingQueue<>(queueSize);
        stop = false;
        peeked = null;
        BlockingQueue<Object> q = queue;
        worker = new Thread(() -> prefetch(q), "AsyncDataSetIterator-prefetch");
        worker.setDaemon(true);
        worker.start();
    }

    private void prefetch(BlockingQueue<Object> q) {
        Object last = END;
        try {
            while (!stop && base.hasNext()) {
                DataSet d = base.next();
                if (!put(q, d)) return;
            }
        } catch (RuntimeException | Error e) {
            last = e;
        }
        put(q, last);
    }

    /** Waits for room; false when stopped meanwhile. */
    private boolean put(BlockingQueue<Object> q, Object o) {
        try {
            while (!stop) {
                if (q.offer(o, 50, TimeUnit.MILLISECONDS)) return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private Object peek() {
        if (peeked == null) {
            try {
                peeked = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("AsyncDataSetIterator: interrupted while waiting for the next batch", e);
            }
        }
        if (peeked instanceof RuntimeException) throw new IllegalStateException("AsyncDataSetIterator: the base iterator failed: " + peeked, (RuntimeException) peeked);
        if (peeked instanceof Error) throw (Error) peeked;
        return peeked;
    }

    @Override public boolean hasNext() { return peek() != END; }

    @Override
    public DataSet next() {
        Object o = peek();
        if (o == END) throw new NoSuchElementException("AsyncDataSetIterator: no more batches");
        peeked = null;
        return (DataSet) o;
    }

    /** Batches come from the queue as the base iterator made them: num is ignored, as in ND4J. */
    @Override public DataSet next(int num) { return next(); }

    /** Stops the prefetch thread and waits for it. */
    public void shutdown() {
        stop = true;
        Thread w = worker;
        if (w != null) {
            w.interrupt();
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        queue.clear();
    }

    @Override
    public void reset() {
        if (!base.resetSupported()) throw new UnsupportedOperationException("AsyncDataSetIterator: the base iterator cannot be reset");
        shutdown();
        base.reset();
        start();
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
