package org.pydl4j.nd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The off-heap memory behind one or more {@link INDArray} handles (an array and its views), reference counted:
 * every open handle holds one reference and gives it back in {@link INDArray#close()}. When the last reference
 * goes, pooled memory returns to the {@link MemoryPool} for reuse and small (unpooled) memory is freed at once;
 * memory no handle ever closes is freed by the garbage collector as before. So memory is reused only when every handle on it was closed: a view that is still
 * open keeps it alive, and closed handles refuse access.
 */
final class Storage {
    static final int ALIGN = 64;   // cache-line / AVX-512 alignment for native kernels

    /** What allocateDirect returned (freed through its cleaner); null for foreign memory (numpy, wrap). */
    final ByteBuffer raw;
    /** Aligned, native order, position 0, capacity = the usable bytes (the size class when pooled). */
    final ByteBuffer aligned;
    /** The pool's size class in bytes, or 0 when this memory is not pooled. */
    final int sizeClass;
    private final AtomicInteger refs = new AtomicInteger(0);
    /** The open {@link MemoryScope} that closes every handle on this memory, or null. */
    volatile MemoryScope scope;
    /** Handed to a holder outside the engine (numpy): left to the garbage collector, never recycled or freed here. */
    private volatile boolean exported;

    private Storage(ByteBuffer raw, ByteBuffer aligned, int sizeClass) {
        this.raw = raw;
        this.aligned = aligned;
        this.sizeClass = sizeClass;
    }

    /** Fresh aligned memory of at least capacity bytes. */
    static Storage allocate(int capacity, int sizeClass) {
        // alignedSlice trims both ends to the alignment, so allocate one extra block beyond the rounded size
        int bytes = (capacity + ALIGN - 1) / ALIGN * ALIGN + ALIGN;
        ByteBuffer raw;
        try {
            raw = ByteBuffer.allocateDirect(bytes);
        } catch (OutOfMemoryError full) {
            // the JVM already collected garbage and waited for it; give the pool's idle blocks back and retry once
            MemoryPool.clear();
            try {
                raw = ByteBuffer.allocateDirect(bytes);
            } catch (OutOfMemoryError stillFull) {
                throw ArrayAllocationException.directMemory(capacity, null, stillFull);
            }
        }
        ByteBuffer aligned = raw.alignedSlice(ALIGN);
        aligned.limit(capacity);
        Storage s = new Storage(raw, aligned.slice().order(ByteOrder.nativeOrder()), sizeClass);
        s.scope = MemoryScope.current();
        return s;
    }

    /** Memory owned elsewhere (a numpy array, a caller's buffer): never pooled or freed here. */
    static Storage foreign(ByteBuffer direct) {
        return new Storage(null, direct.slice().order(ByteOrder.nativeOrder()), 0);
    }

    /** A buffer of exactly bytes bytes at the start of this memory. */
    ByteBuffer view(int bytes) {
        ByteBuffer b = aligned.duplicate();
        b.position(0).limit(bytes);
        return b.slice().order(ByteOrder.nativeOrder());
    }

    void markExported() { exported = true; }

    /** Takes a reference for a new handle; fails if the memory was already given back. */
    Storage retain() {
        while (true) {
            int r = refs.get();
            if (r < 0) throw new IllegalStateException("array memory was released (every handle on it was closed)");
            if (refs.compareAndSet(r, r + 1)) return this;
        }
    }

    /** Gives back one handle's reference; the last one recycles pooled memory. */
    void release() {
        int r = refs.decrementAndGet();
        if (r == 0 && refs.compareAndSet(0, -1)) {
            scope = null;
            if (exported) return;   // an outside view may still read it: the collector frees it with that view
            if (sizeClass > 0) MemoryPool.recycle(this);
            else MemoryPool.free(this);   // small unpooled memory: freed now rather than at the next collection
        } else if (r < 0) {
            throw new IllegalStateException("array memory released twice");
        }
    }

    /** Makes recycled memory usable again (called by the pool when it hands this out). */
    Storage revive() {
        if (!refs.compareAndSet(-1, 0)) throw new IllegalStateException("pooled memory still referenced");
        scope = MemoryScope.current();
        return this;
    }

    int references() { return refs.get(); }
}
