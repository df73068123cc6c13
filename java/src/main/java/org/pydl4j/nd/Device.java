package org.pydl4j.nd;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory space beside host memory (a GPU's) where a device backend keeps arrays between ops, as ND4J's CUDA
 * backend does. An {@link INDArray}'s memory gets a device copy the first time a device op reads or writes it
 * ({@link INDArray#deviceAddress}); from then on each side knows whether the other is stale, so values cross
 * between host and device only when the other side needs them: a device op reading an array host code changed
 * uploads it, host code reading an array a device op wrote (getDouble, buffer(), numpy) downloads it. Device ops
 * writing whole arrays upload nothing. Memory handed to an outside holder (numpy views, wrapped numpy memory) is
 * kept current on the host after every device write and re-read from the host before every device read.
 *
 * <p>Subclasses supply the four memory primitives; this class keeps the bookkeeping (which arrays are resident, how
 * many bytes crossed) and frees a device copy when its array memory is released or collected.
 */
public abstract class Device {
    private final Set<Mirror> resident = ConcurrentHashMap.newKeySet();
    private final AtomicLong uploads = new AtomicLong(), uploadedBytes = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong(), downloadedBytes = new AtomicLong();
    private volatile boolean closed;

    /** Device memory of at least bytes bytes (bytes > 0); IllegalStateException mentioning "out of memory" when full. */
    protected abstract long malloc(long bytes);

    /** Gives a block back; may be called from any thread (the collector's cleaner). */
    protected abstract void mfree(long address);

    /** Copies bytes bytes from the start of host to the device address. */
    protected abstract void copyToDevice(ByteBuffer host, long address, long bytes);

    /** Copies bytes bytes from the device address to the start of host, waiting for every op before it. */
    protected abstract void copyToHost(long address, ByteBuffer host, long bytes);

    /** Names the device in messages, e.g. "cuda:0 (NVIDIA H100 80GB HBM3)". */
    public abstract String describe();

    /** {host-to-device copies, bytes copied to the device, device-to-host copies, bytes copied to the host} so far. */
    public long[] transferStats() {
        return new long[]{uploads.get(), uploadedBytes.get(), downloads.get(), downloadedBytes.get()};
    }

    /** Array memory blocks that have a copy on this device now. */
    public int residentBlocks() { return resident.size(); }

    /**
     * Copies every value whose newest version is on this device to host memory and frees every device copy; the
     * arrays stay usable (a later device op uploads them again). Call before the device goes away.
     */
    public void evacuate() {
        List<Mirror> all = new ArrayList<>(resident);
        for (Mirror m : all) {
            Storage s = m.owner.get();
            if (s != null) s.leaveDevice(this);
            else m.run();
        }
    }

    /** Evacuates, then refuses further use: arrays then live on the host only. */
    public void close() {
        evacuate();
        closed = true;
    }

    public boolean isClosed() { return closed; }

    // ---------------------------------------------------------------- used by Storage

    Mirror allocateMirror(Storage owner, long bytes) {
        if (closed) throw new IllegalStateException(describe() + " is closed");
        long address;
        try {
            address = malloc(Math.max(bytes, 4));
        } catch (IllegalStateException e) {
            if (!isOutOfMemory(e)) throw e;
            // Arrays dropped without close() hold device memory until the collector finds them, and the collector
            // watches only the Java heap: collect, let the cleaners free their device copies, and retry once.
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            try {
                address = malloc(Math.max(bytes, 4));
            } catch (IllegalStateException again) {
                if (isOutOfMemory(again)) throw ArrayAllocationException.device(bytes, describe(), again);
                throw again;
            }
        }
        Mirror m = new Mirror(this, address, bytes, owner);
        resident.add(m);
        return m;
    }

    private static boolean isOutOfMemory(IllegalStateException e) {
        String why = String.valueOf(e.getMessage());
        return why.contains("MemoryAllocation") || why.contains("out of memory");
    }

    void upload(ByteBuffer host, Mirror m) {
        if (m.bytes == 0) return;
        copyToDevice(host, m.address, m.bytes);
        uploads.incrementAndGet();
        uploadedBytes.addAndGet(m.bytes);
    }

    void download(Mirror m, ByteBuffer host) {
        if (m.bytes == 0) return;
        copyToHost(m.address, host, m.bytes);
        downloads.incrementAndGet();
        downloadedBytes.addAndGet(m.bytes);
    }

    /**
     * The device copy of one array memory block. It is its own cleanup action: it holds no strong reference to the
     * block, so the collector can release a dropped array and this frees the device memory after it.
     */
    static final class Mirror implements Runnable {
        final Device device;
        final long address, bytes;
        final WeakReference<Storage> owner;
        private final AtomicBoolean freed = new AtomicBoolean();

        private Mirror(Device device, long address, long bytes, Storage owner) {
            this.device = device;
            this.address = address;
            this.bytes = bytes;
            this.owner = new WeakReference<>(owner);
        }

        @Override
        public void run() {
            if (!freed.compareAndSet(false, true)) return;
            device.resident.remove(this);
            if (device.closed) return;   // the device freed all its memory when it closed
            try {
                device.mfree(address);
            } catch (RuntimeException e) {
                // runs on the collector's cleaner thread too, where nobody could catch it: the block is lost, not the JVM
                System.err.println("pydl4j: could not free " + bytes + " bytes on " + device.describe() + ": " + e.getMessage());
            }
        }
    }
}
