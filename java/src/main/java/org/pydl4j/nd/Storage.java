package org.pydl4j.nd;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The off-heap memory behind one or more {@link INDArray} handles (an array and its views), reference counted:
 * every open handle holds one reference and gives it back in {@link INDArray#close()}. When the last reference
 * goes, pooled memory returns to the {@link MemoryPool} for reuse and small (unpooled) memory is freed at once;
 * memory no handle ever closes is freed by the garbage collector as before. So memory is reused only when every handle on it was closed: a view that is still
 * open keeps it alive, and closed handles refuse access.
 *
 * <p>Device copies: a device backend may give the memory a copy on its {@link Device}. Then {@link #hostStale}
 * says a device op wrote it after the host copy was last brought up to date, and {@code deviceStale} says host
 * code wrote it after the device copy was; each side is refreshed only when used (see {@link Device}).
 */
final class Storage {
    static final int ALIGN = 64;   // cache-line / AVX-512 alignment for native kernels
    private static final Cleaner CLEANER = Cleaner.create();

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

    /** Bytes in use from the start of the block (what crosses to and from a device). */
    private int usedBytes;
    /** The device copy, or null; written under this lock, read without it on the host access paths. */
    private volatile Device.Mirror mirror;
    private Cleaner.Cleanable mirrorCleanup;
    /** A device op wrote the memory after the host copy was last refreshed. */
    volatile boolean hostStale;
    /** Host code wrote the memory after the device copy was last refreshed; written under this lock. */
    private volatile boolean deviceStale;
    /** Counts writes that may have changed the memory (host or device); guarded by this for device writes. */
    long writes;   // plain: bumped on every host element write, so no fence; readers are on the writing thread
    /** Nothing was written since allocation: the contents are unspecified on both sides, so nothing needs copying. */
    private volatile boolean blank;

    private Storage(ByteBuffer raw, ByteBuffer aligned, int sizeClass, boolean blank) {
        this.raw = raw;
        this.aligned = aligned;
        this.sizeClass = sizeClass;
        this.usedBytes = aligned.capacity();
        this.blank = blank;
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
        Storage s = new Storage(raw, aligned.slice().order(ByteOrder.nativeOrder()), sizeClass, true);
        s.scope = MemoryScope.current();
        return s;
    }

    /** Memory owned elsewhere (a numpy array, a caller's buffer): never pooled or freed here. */
    static Storage foreign(ByteBuffer direct) {
        return new Storage(null, direct.slice().order(ByteOrder.nativeOrder()), 0, false);
    }

    /** A buffer of exactly bytes bytes at the start of this memory, which from now on holds bytes bytes of data. */
    ByteBuffer view(int bytes) {
        usedBytes = bytes;
        ByteBuffer b = aligned.duplicate();
        b.position(0).limit(bytes);
        return b.slice().order(ByteOrder.nativeOrder());
    }

    void markExported() { exported = true; }

    /** Memory someone outside the engine may read or write at any time (numpy views, wrapped numpy memory). */
    boolean external() { return exported || raw == null; }

    // ---------------------------------------------------------------- host and device copies

    /** Before host code reads: brings the host copy up to date. */
    void hostReads() {
        if (hostStale) download();
    }

    /** Before host code writes (or hands the memory out for writing): the device copy becomes stale. */
    void hostWrites() {
        writes++;
        if (hostStale || (mirror != null && !deviceStale)) markHostWrite();   // once per change of side, not per element
        else if (blank) blank = false;
    }

    private synchronized void markHostWrite() {
        if (hostStale) download();
        if (mirror != null) deviceStale = true;
        blank = false;
    }

    private synchronized void download() {
        if (!hostStale) return;
        mirror.device.download(mirror, aligned);
        hostStale = false;
    }

    /**
     * The device address of byte offset of this memory, with the device copy brought up to date for the access:
     * READ and READ_WRITE upload what host code changed; WRITE of the whole block uploads nothing. After a write
     * access the host copy is stale until {@link #afterDeviceWrite}.
     */
    synchronized long deviceAddress(Device device, DeviceAccess access, int offset, int bytes) {
        if (mirror != null && mirror.device != device) leaveDevice(mirror.device);
        if (mirror == null) {
            mirror = device.allocateMirror(this, usedBytes);
            mirrorCleanup = CLEANER.register(this, mirror);
            deviceStale = true;
        }
        if (external()) deviceStale = true;   // an outside holder may have written the host copy
        if (deviceStale) {
            boolean overwritesAll = access == DeviceAccess.WRITE && offset == 0 && bytes == usedBytes;
            if (!blank && !overwritesAll) device.upload(view(aligned, usedBytes), mirror);
            deviceStale = false;
        }
        if (access != DeviceAccess.READ) {
            writes++;
            hostStale = true;
            blank = false;
        }
        return mirror.address + offset;
    }

    /** After a device op wrote this memory: memory an outside holder can see is copied back at once. */
    void afterDeviceWrite() {
        if (hostStale && external()) download();
    }

    /** Where the newest values are: HOST (no device copy, or it is stale), DEVICE (host copy stale), EVERYWHERE. */
    synchronized Location location() {
        if (mirror == null || deviceStale) return Location.HOST;
        return hostStale ? Location.DEVICE : Location.EVERYWHERE;
    }

    /** Copies newer device values to the host and frees the device copy on device (no-op when it has none there). */
    synchronized void leaveDevice(Device device) {
        if (mirror == null || mirror.device != device) return;
        download();
        dropMirror();
    }

    /** Frees the device copy without reading it (the values are no longer wanted, or the host copy is current). */
    private synchronized void dropMirror() {
        if (mirror == null) return;
        Cleaner.Cleanable c = mirrorCleanup;
        mirror = null;
        mirrorCleanup = null;
        hostStale = false;
        deviceStale = false;
        c.clean();
    }

    private static ByteBuffer view(ByteBuffer b, int bytes) {
        ByteBuffer d = b.duplicate();
        d.position(0).limit(bytes);
        return d.slice().order(ByteOrder.nativeOrder());
    }

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
            dropMirror();
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
        blank = true;
        return this;
    }

    int references() { return refs.get(); }
}
