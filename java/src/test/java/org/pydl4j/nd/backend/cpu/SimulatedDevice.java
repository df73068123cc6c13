package org.pydl4j.nd.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import org.pydl4j.nd.Device;

/**
 * A {@link Device} for tests on machines without a GPU: "device memory" is separate host memory behind opaque
 * addresses, so the engine's residency bookkeeping (what is copied when, views at offsets, stale copies) runs
 * exactly as with a GPU and every mistake shows up as wrong values. Fresh blocks are filled with NaN, so a skipped
 * upload cannot go unnoticed; an optional capacity makes it run out of memory.
 */
final class SimulatedDevice extends Device {
    private final TreeMap<Long, ByteBuffer> blocks = new TreeMap<>();
    private long nextAddress = 0x1000_0000L;
    private long liveBytes;
    volatile long capacityBytes = Long.MAX_VALUE;

    @Override
    protected synchronized long malloc(long bytes) {
        if (liveBytes + bytes > capacityBytes) {
            throw new IllegalStateException("simulated device: out of memory (" + bytes + " bytes asked, " + liveBytes + " in use)");
        }
        ByteBuffer b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        for (int i = 0; i + 4 <= bytes; i += 4) b.putFloat(i, Float.NaN);
        long address = nextAddress;
        nextAddress += (bytes + 255) / 256 * 256 + 256;   // a gap: an address past a block's end is no other block's
        blocks.put(address, b);
        liveBytes += bytes;
        return address;
    }

    @Override
    protected synchronized void mfree(long address) {
        ByteBuffer b = blocks.remove(address);
        if (b == null) throw new IllegalStateException("simulated device: free of unknown address 0x" + Long.toHexString(address));
        liveBytes -= b.capacity();
    }

    @Override
    protected void copyToDevice(ByteBuffer host, long address, long bytes) {
        ByteBuffer src = host.duplicate();
        src.position(0).limit((int) bytes);
        memory(address, bytes).put(src);
    }

    @Override
    protected void copyToHost(long address, ByteBuffer host, long bytes) {
        ByteBuffer dst = host.duplicate();
        dst.position(0).limit((int) bytes);
        dst.put(memory(address, bytes));
    }

    @Override
    public String describe() { return "simulated device"; }

    synchronized long liveBytes() { return liveBytes; }

    synchronized int liveBlocks() { return blocks.size(); }

    /** The bytes bytes at address (which may point into a block), as a native-order buffer. */
    synchronized ByteBuffer memory(long address, long bytes) {
        Map.Entry<Long, ByteBuffer> e = blocks.floorEntry(address);
        if (e == null || address - e.getKey() + bytes > e.getValue().capacity()) {
            throw new IllegalStateException("simulated device: [0x" + Long.toHexString(address) + ", +" + bytes + ") is not inside one live block");
        }
        ByteBuffer b = e.getValue().duplicate();
        b.position((int) (address - e.getKey())).limit((int) (address - e.getKey() + bytes));
        return b.slice().order(ByteOrder.nativeOrder());
    }
}
