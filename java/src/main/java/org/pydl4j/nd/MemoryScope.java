package org.pydl4j.nd;

import java.util.ArrayList;
import java.util.List;

/**
 * Gives back, at {@link #close()}, the memory of every array allocated on this thread while the scope was open
 * (and of every view of such an array), as ND4J's workspaces do for a training iteration. Used by
 * {@code ComputationGraph.fit} so that the activations, gradients and temporaries of one iteration are recycled by
 * the {@link MemoryPool} deterministically instead of waiting for the garbage collector.
 *
 * <p>Arrays made before the scope opened (parameters, the caller's inputs) are never touched, nor are their views
 * made inside it. An array that must outlive the scope is {@link #detach detached}, or copied with {@code dup()}
 * inside {@link #outside}. Scopes nest (the inner one owns what is allocated while it is open) and belong to the
 * thread that opened them.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope parent;
    private final Thread owner = Thread.currentThread();
    private final List<INDArray> handles = new ArrayList<>();
    private boolean closed;

    private MemoryScope(MemoryScope parent) { this.parent = parent; }

    /** Opens a scope on this thread; close it (try-with-resources) on the same thread. */
    public static MemoryScope open() {
        MemoryScope s = new MemoryScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The scope new allocations of this thread belong to, or null. */
    static MemoryScope current() { return CURRENT.get(); }

    /** Runs r with no scope open on this thread: what it allocates is not closed by any enclosing scope. */
    public static void outside(Runnable r) {
        MemoryScope s = CURRENT.get();
        CURRENT.set(null);
        try {
            r.run();
        } finally {
            CURRENT.set(s);
        }
    }

    /** Called for every new handle on memory this scope owns. */
    synchronized void track(INDArray a) {
        if (!closed) handles.add(a);
    }

    /** Keeps a's memory (and every handle on it) alive past this scope; a's memory is then the caller's to close. */
    public static INDArray detach(INDArray a) {
        a.storage().scope = null;
        return a;
    }

    /** Closes every handle on memory allocated in this scope (except detached memory); idempotent. */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) throw new IllegalStateException("MemoryScope closed on another thread than the one that opened it");
        List<INDArray> toClose;
        synchronized (this) {
            if (closed) return;
            closed = true;
            toClose = new ArrayList<>(handles);
            handles.clear();
        }
        if (CURRENT.get() == this) {
            if (parent != null) CURRENT.set(parent); else CURRENT.remove();
        }
        for (INDArray a : toClose) {
            Storage s = a.storage();
            if (s.scope != this) continue;   // detached
            a.close();
        }
        for (INDArray a : toClose) {
            Storage s = a.storage();
            if (s.scope == this) s.scope = null;
        }
    }
}
