package org.pydl4j.nd.dataset;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads an iterator ahead on a daemon thread into a bounded queue (the engine of the async iterators). The thread
 * never opens a MemoryScope, so what it makes is never closed by the consumer's scopes; an exception on it is
 * rethrown to the consumer. {@link #stop} ends the thread and waits for it.
 */
final class Prefetcher<T> {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread worker;
    private final String owner;
    private volatile boolean stopped;
    private Object peeked;

    Prefetcher(Iterator<T> source, int queueSize, String owner) {
        this.owner = owner;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.worker = new Thread(() -> run(source), owner + "-prefetch");
        worker.setDaemon(true);
        worker.start();
    }

    private void run(Iterator<T> source) {
        Object last = END;
        try {
            while (!stopped && source.hasNext()) {
                if (!put(source.next())) return;
            }
        } catch (RuntimeException | Error e) {
            last = e;
        }
        put(last);
    }

    /** Waits for room; false when stopped meanwhile. */
    private boolean put(Object o) {
        try {
            while (!stopped) {
                if (queue.offer(o, 50, TimeUnit.MILLISECONDS)) return true;
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
                throw new IllegalStateException(owner + ": interrupted while waiting for the next batch", e);
            }
        }
        if (peeked instanceof RuntimeException) throw new IllegalStateException(owner + ": the base iterator failed: " + peeked, (RuntimeException) peeked);
        if (peeked instanceof Error) throw (Error) peeked;
        return peeked;
    }

    boolean hasNext() { return peek() != END; }

    @SuppressWarnings("unchecked")
    T next() {
        Object o = peek();
        if (o == END) throw new NoSuchElementException(owner + ": no more batches");
        peeked = null;
        return (T) o;
    }

    void stop() {
        stopped = true;
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }
}
