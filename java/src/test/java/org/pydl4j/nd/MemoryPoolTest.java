package org.pydl4j.nd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

/** Deterministic release of array memory: INDArray.close(), views, and the MemoryPool that recycles blocks. */
public class MemoryPoolTest {
    private static final long[] BIG = {4, 64, 32, 32};   // 1 MiB of floats: pooled

    /** The memory block behind a handle (a recycled block is the same object). */
    private static Object address(INDArray a) { return a.storage(); }

    /**
     * The pool's default limit is a quarter of the direct-memory limit, read from -XX:MaxDirectMemorySize (the test JVM
     * sets 8g beside a 6g heap): not the heap limit it fell back to when the option was unreadable.
     */
    @Test
    public void directMemoryLimitIsTheJvmOption() {
        String option = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:MaxDirectMemorySize=")).reduce((a, b) -> b).orElse(null);
        if (option == null) {
            assertEquals(Runtime.getRuntime().maxMemory(), MemoryPool.directMemoryLimit());
            return;
        }
        String v = option.substring(option.indexOf('=') + 1).toLowerCase();
        long unit = v.endsWith("g") ? 1L << 30 : v.endsWith("m") ? 1L << 20 : v.endsWith("k") ? 1L << 10 : 1;
        long expected = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
        assertEquals(expected, MemoryPool.directMemoryLimit());
        assertTrue("the test JVM's direct limit differs from its heap", expected != Runtime.getRuntime().maxMemory());
    }

    @Test
    public void closedMemoryIsReusedForTheNextArrayOfItsSize() {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, BIG);
        Object addr = address(a);
        a.close();
        assertTrue(a.isClosed());
        INDArray b = Nd4j.createUninitialized(DataType.FLOAT, BIG);
        assertEquals("recycled block", addr, address(b));
        b.close();
    }

    @Test
    public void openViewKeepsMemoryAlive() {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, BIG).assign(3.0);
        INDArray view = a.reshape(4, -1);
        INDArray rows = a.get(NDArrayIndex.interval(1, 3));
        assertTrue(view.sharesMemoryWith(a) && rows.sharesMemoryWith(a));
        Object addr = address(a);
        a.close();
        INDArray other = Nd4j.createUninitialized(DataType.FLOAT, BIG).assign(-1.0);
        assertTrue("memory with open views must not be handed out", address(other) != addr);
        assertEquals(3.0, view.getDouble(0), 0);
        assertEquals(3.0, rows.getDoubleLinear((int) rows.length() - 1), 0);
        view.close();
        rows.close();   // last handle: now the block is free
        INDArray again = Nd4j.createUninitialized(DataType.FLOAT, BIG);
        assertEquals(addr, address(again));
        other.close();
        again.close();
    }

    @Test
    public void closedHandleRefusesAccessAndCloseIsIdempotent() {
        INDArray a = Nd4j.ones(DataType.FLOAT, BIG);
        a.close();
        a.close();
        for (Runnable r : new Runnable[]{a::buffer, () -> a.getDoubleLinear(0), () -> a.putLinear(0, 1), () -> a.reshape(-1),
                () -> a.dup()}) {
            try {
                r.run();
                fail("access to a closed array");
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("closed"));
            }
        }
    }

    @Test
    public void wrappedMemoryIsNeverRecycled() {
        ByteBuffer mine = ByteBuffer.allocateDirect(1 << 20);
        INDArray a = Nd4j.wrap(mine, DataType.FLOAT, 1 << 18);
        Object addr = address(a);
        a.close();
        for (int i = 0; i < 4; i++) {
            INDArray b = Nd4j.createUninitialized(DataType.FLOAT, 1 << 18);
            assertTrue(address(b) != addr);
            b.close();
        }
    }

    @Test
    public void smallArraysAndTryWithResources() {
        long[] before = MemoryPool.stats();
        try (INDArray s = Nd4j.scalar(2.0); INDArray v = Nd4j.ones(DataType.FLOAT, 8)) {
            assertEquals(2.0, s.getDouble(0), 0);
            assertEquals(8.0, v.sumNumber().doubleValue(), 0);
        }
        assertEquals("small arrays bypass the pool", before[0] + before[1], MemoryPool.stats()[0] + MemoryPool.stats()[1]);
    }

    @Test
    public void sizeClassesBoundTheWaste() {
        assertEquals(0, MemoryPool.sizeClass(MemoryPool.MIN_POOLED - 1));
        for (int bytes : new int[]{MemoryPool.MIN_POOLED, 100_000, 1 << 20, (1 << 20) + 1, 123_456_789}) {
            int c = MemoryPool.sizeClass(bytes);
            assertTrue(bytes + " -> " + c, c >= bytes && c <= bytes * 1.125 + 1);
        }
    }

    @Test
    public void poolLimitFreesWhatDoesNotFit() {
        long old = MemoryPool.maxBytes();
        try {
            MemoryPool.setMaxBytes(0);
            INDArray a = Nd4j.createUninitialized(DataType.FLOAT, BIG);
            a.close();
            assertEquals(0, MemoryPool.pooledBytes());
            MemoryPool.setMaxBytes(64L << 20);
            INDArray b = Nd4j.createUninitialized(DataType.FLOAT, BIG);
            b.close();
            assertTrue(MemoryPool.pooledBytes() > 0);
            MemoryPool.clear();
            assertEquals(0, MemoryPool.pooledBytes());
        } finally {
            MemoryPool.setMaxBytes(old);
        }
    }

    @Test
    public void concurrentAllocateWriteClose() throws Exception {
        int threads = 4, rounds = 300;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final double value = t + 1;
            Thread th = new Thread(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, 64, 64 + (r % 3));
                        a.assign(value);
                        INDArray view = a.reshape(-1);
                        a.close();
                        for (int i = 0; i < view.length(); i += 97) {
                            if (view.getDoubleLinear(i) != value) throw new AssertionError("memory shared between live arrays");
                        }
                        view.close();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) th.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertFalse(MemoryPool.pooledBytes() > MemoryPool.maxBytes());
    }
}
