package org.pydl4j.nn.graph;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pydl4j.nd.backend.InferenceProgram;

/**
 * The compiled programs of one segment, by input shapes: the most recent {@link #CAPACITY} are kept. A program is
 * used through a {@link Lease}; one that is evicted, or whose cache is closed, while leased is closed only when its
 * last lease ends. So no sequence of calls (batch-size changes that evict, a graph re-planned for other input
 * ranks, several threads) closes a program while it runs. Thread-safe.
 */
final class ProgramCache implements AutoCloseable {
    /** Full slices, the last slice, and the same for a final partial batch. */
    static final int CAPACITY = 4;

    private final Map<List<Long>, Entry> entries = new LinkedHashMap<>();
    private boolean closed;

    private static final class Entry {
        final InferenceProgram program;
        int leases;
        boolean retired;   // no longer in the cache: closed when its last lease ends

        Entry(InferenceProgram program) { this.program = program; }
    }

    /** A program in use; close it when the run is over. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean released;

        private Lease(Entry entry) { this.entry = entry; }

        InferenceProgram program() { return entry.program; }

        @Override
        public void close() {
            InferenceProgram done = null;
            synchronized (ProgramCache.this) {
                if (released) return;
                released = true;
                if (--entry.leases == 0 && entry.retired) done = entry.program;
            }
            if (done != null) done.close();
        }
    }

    /** The program for key, compiled by compile on a miss (outside the cache's lock: compiling takes a while). */
    Lease lease(List<Long> key, Supplier<InferenceProgram> compile) {
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                entries.remove(key);   // most recently used last
                entries.put(key, e);
                e.leases++;
                return new Lease(e);
            }
        }
        Entry fresh = new Entry(compile.get());
        List<InferenceProgram> evicted = new ArrayList<>();
        synchronized (this) {
            fresh.leases = 1;
            Entry other = closed ? null : entries.get(key);
            if (closed) {
                fresh.retired = true;      // a closed cache keeps nothing: the program goes with its lease
            } else if (other != null) {    // another thread compiled the same shapes meanwhile: use one, drop ours
                fresh.leases = 0;
                evicted.add(fresh.program);
                other.leases++;
                fresh = other;
            } else {
                entries.put(key, fresh);
                for (Iterator<Map.Entry<List<Long>, Entry>> it = entries.entrySet().iterator(); entries.size() > CAPACITY && it.hasNext(); ) {
                    Entry old = it.next().getValue();
                    it.remove();
                    retire(old, evicted);
                }
            }
        }
        for (InferenceProgram p : evicted) p.close();
        return new Lease(fresh);
    }

    private static void retire(Entry e, List<InferenceProgram> toClose) {
        e.retired = true;
        if (e.leases == 0) toClose.add(e.program);
    }

    /** Programs held now (tests). */
    synchronized int size() { return entries.size(); }

    /** Closes every program not in use now; leased ones close when their lease ends. Later leases compile afresh. */
    @Override
    public void close() {
        List<InferenceProgram> toClose = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Entry e : entries.values()) retire(e, toClose);
            entries.clear();
        }
        for (InferenceProgram p : toClose) p.close();
    }
}
