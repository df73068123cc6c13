package org.pydl4j.nd;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Recycles the off-heap memory of closed arrays. {@link Nd4j#createUninitialized} takes a block of the request's
 * size class from here before allocating; {@link INDArray#close()} (through {@link Storage}) gives blocks back.
 * Fresh direct buffers are expensive at the sizes of image batches: allocateDirect zeroes them (the kernel pages
 * every byte in) and, near -XX:MaxDirectMemorySize, forces garbage collections; a recycled block costs neither.
 *
 * <p>Size classes: eight per power of two (a block is at most 12.5% larger than asked). Requests below
 * {@link #MIN_POOLED} bytes are not pooled. The pool keeps at most {@code pydl4j.pool.maxBytes} bytes (system
 * property, default 1/4 of the direct-memory limit, at most 4 GiB); a block that does not fit is freed at once.
 * Thread-safe.
 */
public final class MemoryPool {
    private MemoryPool() {}

    /** Smaller requests are plain allocations (cheap, and not worth a pool entry). */
    public static final int MIN_POOLED = 16 * 1024;

    private static final Map<Integer, ArrayDeque<Storage>> FREE = new HashMap<>();
    private static long pooledBytes;
    private static long maxBytes = defaultMaxBytes();
    private static long hits, misses;

    private static long defaultMaxBytes() {
        String p = System.getProperty("pydl4j.pool.maxBytes");
        if (p != null) {
            try {
                return Math.max(0, Long.parseLong(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pydl4j.pool.maxBytes must be a number of bytes, got '" + p + "'");
            }
        }
        return Math.min(directMemoryLimit() / 4, 4L << 30);
    }

    /**
     * -XX:MaxDirectMemorySize, read through HotSpot's management interface; else the heap limit, which is the JVM's
     * default direct limit. (jdk.internal.misc.VM, read before, is not exported: the pool fell back to a quarter of
     * the heap, 1 GB under the Python bridge's -Xmx4g, while a Lite0 training step at batch 32 cycles ~3 GB of
     * blocks: 2 GB allocated and zeroed afresh per step.)
     */
    static long directMemoryLimit() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long limit = hotspot == null ? 0 : Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            if (limit > 0) return limit;
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or a runtime without jdk.management: the default below
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** The size class of a request of bytes bytes (0: not pooled). */
    static int sizeClass(int bytes) {
        if (bytes < MIN_POOLED) return 0;
        int high = Integer.highestOneBit(bytes);
        int step = high / 8;
        long cls = ((long) bytes + step - 1) / step * step;
        return cls > Integer.MAX_VALUE - 2 * Storage.ALIGN ? 0 : (int) cls;
    }

    /** A block for bytes bytes: recycled when one of its class is free, otherwise new. */
    static Storage acquire(int bytes) {
        int cls = sizeClass(bytes);
        if (cls == 0) return Storage.allocate(bytes, 0);
        synchronized (MemoryPool.class) {
            ArrayDeque<Storage> q = FREE.get(cls);
            Storage s = q == null ? null : q.pollLast();
            if (s != null) {
                pooledBytes -= cls;
                hits++;
                return s.revive();
            }
            misses++;
        }
        return Storage.allocate(cls, cls);
    }

    /** Takes back a block nothing references any more; frees it when the pool is full. */
    static void recycle(Storage s) {
        synchronized (MemoryPool.class) {
            if (pooledBytes + s.sizeClass <= maxBytes) {
                FREE.computeIfAbsent(s.sizeClass, k -> new ArrayDeque<>()).addLast(s);
                pooledBytes += s.sizeClass;
                return;
            }
        }
        free(s);
    }

    /** Bytes held for reuse now. */
    public static synchronized long pooledBytes() { return pooledBytes; }

    /** The most bytes the pool keeps. */
    public static synchronized long maxBytes() { return maxBytes; }

    /** Changes the pool's limit (0 disables pooling); frees what is over it. */
    public static void setMaxBytes(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("pool limit must be >= 0, got " + bytes);
        synchronized (MemoryPool.class) { maxBytes = bytes; }
        trim(bytes);
    }

    /** Frees every pooled block now (arrays in use are not affected). */
    public static void clear() { trim(0); }

    /** {hits, misses} of pooled allocations since start: how often a request found a recycled block. */
    public static synchronized long[] stats() { return new long[]{hits, misses}; }

    private static void trim(long target) {
        while (true) {
            Storage victim = null;
            synchronized (MemoryPool.class) {
                if (pooledBytes <= target) return;
                int largest = 0;
                for (Map.Entry<Integer, ArrayDeque<Storage>> e : FREE.entrySet()) {
                    if (!e.getValue().isEmpty() && e.getKey() > largest) largest = e.getKey();
                }
                if (largest == 0) return;
                victim = FREE.get(largest).pollFirst();
                pooledBytes -= largest;
            }
            free(victim);
        }
    }

    // ---------------------------------------------------------------- freeing

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object u = null;
        Method m = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            u = null;
            m = null;   // the garbage collector frees dropped blocks instead
        }
        UNSAFE = u;
        INVOKE_CLEANER = m;
    }

    /** Frees a block now when the JDK allows it, otherwise leaves it to the garbage collector. */
    static void free(Storage s) {
        if (INVOKE_CLEANER == null || s.raw == null) return;
        try {
            INVOKE_CLEANER.invoke(UNSAFE, s.raw);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left to the garbage collector
        }
    }
}
