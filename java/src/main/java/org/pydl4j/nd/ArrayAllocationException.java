package org.pydl4j.nd;

import java.lang.management.ManagementFactory;
import java.lang.management.BufferPoolMXBean;

/**
 * An array's memory could not be allocated: the off-heap (direct) memory limit is reached, usually because a batch
 * is too large. Unlike the JVM's OutOfMemoryError this is an ordinary exception: the arrays of the failed step are
 * given back and the JVM stays usable, so the caller can retry with a smaller batch. The message says how much was
 * asked, the limit, and how to fix it.
 */
public class ArrayAllocationException extends IllegalStateException {
    private final long requestedBytes;
    private final long limitBytes;

    public ArrayAllocationException(String message, long requestedBytes, long limitBytes, Throwable cause) {
        super(message, cause);
        this.requestedBytes = requestedBytes;
        this.limitBytes = limitBytes;
    }

    /** Bytes the failed allocation asked for. */
    public long getRequestedBytes() { return requestedBytes; }

    /** The direct-memory limit in bytes (-XX:MaxDirectMemorySize, or its default, the heap limit); -1 for device memory. */
    public long getLimitBytes() { return limitBytes; }

    /** For a direct buffer of bytes bytes that the JVM refused (cause: its OutOfMemoryError); what: the array. */
    static ArrayAllocationException directMemory(long bytes, String what, Throwable cause) {
        long limit = directMemoryLimit(), used = directMemoryUsed();
        return new ArrayAllocationException("cannot allocate " + bytes(bytes) + (what == null ? "" : " for " + what)
                + ": direct memory limit " + bytes(limit) + (used >= 0 ? ", " + bytes(used) + " in use" : "")
                + ". Use a smaller batch size, or raise the limit (JVM option -XX:MaxDirectMemorySize, "
                + "PYDL4J_DIRECT_MEMORY from Python)", bytes, limit, cause);
    }

    /** For device memory a device backend could not allocate (cause: the device's own error). */
    static ArrayAllocationException device(long bytes, String device, RuntimeException cause) {
        return new ArrayAllocationException("cannot allocate " + bytes(bytes) + " on " + device + ": " + cause.getMessage()
                + ". Use a smaller batch size", bytes, -1, cause);
    }

    /** The same failure, naming the array's shape and type. */
    ArrayAllocationException withArray(String what) {
        return directMemory(requestedBytes, what, getCause());
    }

    /** -XX:MaxDirectMemorySize when set, else the JVM's default (the heap limit). */
    static long directMemoryLimit() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            long v = Long.parseLong(hs.getVMOption("MaxDirectMemorySize").getValue());
            if (v > 0) return v;
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot JVM: the default below
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Direct memory in use now, or -1 when unknown. */
    static long directMemoryUsed() {
        try {
            for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (b.getName().equals("direct")) return b.getMemoryUsed();
            }
        } catch (RuntimeException | LinkageError e) {
            // unknown
        }
        return -1;
    }

    /** 64 MiB, 1.5 GiB, 12 KiB, 100 bytes. */
    static String bytes(long n) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (n < 1024) return n + " bytes";
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        String s = String.format(java.util.Locale.ROOT, "%.1f", v);
        if (s.endsWith(".0")) s = s.substring(0, s.length() - 2);
        return s + " " + units[u];
    }
}
