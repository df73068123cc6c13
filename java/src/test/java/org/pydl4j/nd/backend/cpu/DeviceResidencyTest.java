package org.pydl4j.nd.backend.cpu;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.FloatBuffer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.pydl4j.nd.ArrayAllocationException;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Location;
import org.pydl4j.nd.NDArrayIndex;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.Backends;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.ParityCheck;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.ZooTransferTest;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.VGG16;

/**
 * Device residency (what the cuda backend relies on), on the {@link SimulatedDeviceBackend}: arrays stay on the device
 * between ops, values cross only when the other side reads them, views work at their offsets, numpy-visible memory
 * stays current, memory is given back, and whole networks featurize and train with only their inputs and outputs
 * crossing. Counts come from {@link org.pydl4j.nd.Device#transferStats()}.
 */
public class DeviceResidencyTest {
    private SimulatedDeviceBackend dev;
    private final CpuBackend cpu = new CpuBackend();
    private Backend previous;

    @Before
    public void setUp() {
        dev = new SimulatedDeviceBackend();
        previous = Backends.current();
    }

    @After
    public void tearDown() {
        Backends.use(previous);
        if (!dev.device().isClosed()) dev.device().close();
    }

    private long uploads() { return dev.device().transferStats()[0]; }

    private long downloads() { return dev.device().transferStats()[2]; }

    private static final ConvParams SAME = ConvParams.of(3, 3, 1, 1, 1, 1);

    @Test
    public void resultsStayOnTheDeviceUntilRead() {
        INDArray x = ParityCheck.randn(1, 2, 4, 8, 8), w = ParityCheck.randn(2, 0.2, 6, 4, 3, 3);
        INDArray y = dev.conv2d(x, w, null, SAME);
        assertEquals("input and weights uploaded, nothing else", 2, uploads());
        assertEquals(Location.DEVICE, y.location());
        assertEquals(Location.EVERYWHERE, x.location());
        INDArray z = dev.activate(org.pydl4j.nd.activations.Activation.RELU, y);   // device to device
        assertEquals(2, uploads());
        assertEquals("nothing read yet", 0, downloads());
        INDArray want = cpu.activate(org.pydl4j.nd.activations.Activation.RELU, cpu.conv2d(x, w, null, SAME));
        assertTrue(z.equalsWithEps(want, 1e-5));   // reading downloads z once
        assertEquals(1, downloads());
        assertEquals(Location.EVERYWHERE, z.location());
        z.getDouble(3);
        assertEquals("a current host copy is not downloaded again", 1, downloads());
        dev.conv2d(x, w, null, SAME).close();
        assertEquals("unchanged inputs are not uploaded again", 2, uploads());
    }

    @Test
    public void hostWritesMakeTheDeviceCopyStale() {
        INDArray x = ParityCheck.randn(3, 2, 4, 8, 8), w = ParityCheck.randn(4, 0.2, 6, 4, 3, 3);
        dev.conv2d(x, w, null, SAME).close();
        x.putScalar(0, 5.0);
        assertEquals(Location.HOST, x.location());
        INDArray y = dev.conv2d(x, w, null, SAME);
        assertEquals("the changed input is uploaded again, the weights are not", 3, uploads());
        assertTrue(y.equalsWithEps(cpu.conv2d(x, w, null, SAME), 1e-5));
        // a host op reading a device result, then a device op reading the host op's result
        INDArray doubled = y.mul(2.0);
        INDArray sum = dev.add(doubled, y);
        assertTrue(sum.equalsWithEps(cpu.conv2d(x, w, null, SAME).mul(3.0), 1e-4));
    }

    @Test
    public void resultsCoveringTheirMemoryUploadNothingAndViewsKeepTheRest() {
        INDArray a = ParityCheck.randn(5, 4, 3), b = ParityCheck.randn(6, 3, 5);
        INDArray c = Nd4j.zeros(DataType.FLOAT, 4, 5);
        dev.gemm(a, false, b, false, c, 1, 0);
        assertEquals("beta = 0 overwrites c: only a and b go up", 2, uploads());
        dev.gemm(a, false, b, false, c, 1, 1);   // c += a b, read on the device where it is current
        assertEquals(2, uploads());
        INDArray once = Nd4j.zeros(DataType.FLOAT, 4, 5);
        cpu.gemm(a, false, b, false, once, 1, 0);
        assertTrue(c.equalsWithEps(once.mul(2.0), 1e-5));

        // a device op writing one view of a larger array leaves the rest of it intact
        INDArray big = ParityCheck.randn(7, 6, 5);
        float[] before = big.toFloatVector();
        INDArray rows = big.get(NDArrayIndex.interval(2, 6));
        dev.gemm(a, false, b, false, rows, 1, 0);
        float[] after = big.toFloatVector();
        for (int i = 0; i < 10; i++) assertEquals("row " + i / 5 + " untouched", before[i], after[i], 0f);
        for (int i = 10; i < 30; i++) assertEquals(once.getDoubleLinear(i - 10), after[i], 1e-5);
        // and a device op reads a view at its offset
        INDArray tail = big.get(NDArrayIndex.interval(3, 6));
        assertTrue(dev.add(tail, tail).equalsWithEps(tail.mul(2.0), 1e-6));
    }

    @Test
    public void memoryHandedToNumpyStaysCurrentBothWays() {
        INDArray g = ParityCheck.randn(8, 1000);
        FloatBuffer numpy = g.exportBuffer().asFloatBuffer();   // what JPype hands numpy
        float g0 = numpy.get(0);
        dev.scale(g, 2.0);   // a device write: the exported host memory is refreshed at once
        assertEquals(2 * g0, numpy.get(0), 1e-6);
        numpy.put(1, 42f);   // numpy writes behind the engine's back: the next device read must see it
        dev.scale(g, 0.5);
        assertEquals(21f, numpy.get(1), 1e-6);
        assertEquals(g0, numpy.get(0), 1e-6);

        // wrapped caller memory (Nd4j.wrap of a numpy buffer) is treated the same way
        java.nio.ByteBuffer outside = java.nio.ByteBuffer.allocateDirect(16 * 4).order(java.nio.ByteOrder.nativeOrder());
        INDArray wrapped = Nd4j.wrap(outside, DataType.FLOAT, 4, 4);
        wrapped.assign(1.0);
        dev.axpy(3, wrapped, wrapped);
        assertEquals(4f, outside.getFloat(0), 0f);
    }

    @Test
    public void closedAndDroppedArraysGiveTheirDeviceMemoryBack() throws InterruptedException {
        SimulatedDevice sim = dev.sim();
        INDArray x = ParityCheck.randn(9, 2, 4, 8, 8), w = ParityCheck.randn(10, 0.2, 6, 4, 3, 3);
        dev.conv2d(x, w, null, SAME).close();
        int base = sim.liveBlocks();
        assertEquals("x and w", 2, base);
        for (int i = 0; i < 20; i++) dev.conv2d(x, w, null, SAME).close();
        assertEquals("closed results free their device copies", base, sim.liveBlocks());
        for (int i = 0; i < 20; i++) dev.conv2d(x, w, null, SAME);   // dropped, never closed
        long deadline = System.currentTimeMillis() + 20_000;
        while (sim.liveBlocks() > base && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals("collected results free their device copies", base, sim.liveBlocks());
    }

    @Test
    public void closingTheDeviceBringsValuesHome() {
        INDArray x = ParityCheck.randn(11, 2, 4, 8, 8), w = ParityCheck.randn(12, 0.2, 6, 4, 3, 3);
        INDArray y = dev.conv2d(x, w, null, SAME);
        assertEquals(Location.DEVICE, y.location());
        dev.device().close();
        assertEquals(0, dev.device().residentBlocks());
        assertEquals(0, dev.sim().liveBlocks());
        assertEquals(Location.HOST, y.location());
        assertTrue("values survive the device", y.equalsWithEps(cpu.conv2d(x, w, null, SAME), 1e-5));
        try {
            dev.conv2d(x, w, null, SAME);
            fail("a closed device accepted an op");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("simulated device is closed"));
        }
    }

    @Test
    public void aFullDeviceIsAnArrayAllocationException() {
        dev.sim().capacityBytes = 10_000;
        INDArray x = ParityCheck.randn(13, 8, 16, 16, 16);
        try {
            dev.activate(org.pydl4j.nd.activations.Activation.RELU, x);
            fail("allocated past the device's capacity");
        } catch (ArrayAllocationException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("simulated device") && e.getMessage().contains("smaller batch"));
        }
        dev.sim().capacityBytes = Long.MAX_VALUE;
        assertTrue("usable afterwards", dev.activate(org.pydl4j.nd.activations.Activation.RELU, x).equalsWithEps(
                cpu.activate(org.pydl4j.nd.activations.Activation.RELU, x), 0));
    }

    /** Results dropped without close() are collected when the device is full, not reported as a full device. */
    @Test
    public void droppedArraysAreCollectedWhenTheDeviceIsFull() {
        INDArray x = ParityCheck.randn(16, 4, 16, 16, 16);
        long bytes = x.length() * 4;
        dev.sim().capacityBytes = 4 * bytes;   // x and three results
        for (int i = 0; i < 30; i++) dev.activate(org.pydl4j.nd.activations.Activation.RELU, x);   // never closed
        assertTrue(dev.sim().liveBytes() <= 4 * bytes);
    }

    /** Whole networks: after the first batch only the input goes up and only what is read comes down. */
    @Test
    public void featurizingUploadsOnlyTheInputAndDownloadsOnlyTheOutput() {
        ComputationGraph[] nets = {VGG16.builder().inputShape(new int[]{3, 32, 32}).build().init(),
                EfficientNetLite.builder(0).resolution(64).build().init()};
        int[] sizes = {32, 64};
        for (int k = 0; k < nets.length; k++) {
            ComputationGraph net = nets[k];
            int res = sizes[k];
            INDArray x1 = ParityCheck.uniform(14, 0, 1, 2, 3, res, res), x2 = ParityCheck.uniform(15, 0, 1, 2, 3, res, res);
            Backends.use(cpu);
            INDArray want = net.outputSingle(x2).dup();
            Backends.use(dev);
            net.outputSingle(x1).close();   // first batch: parameters go up once
            long up = uploads(), down = downloads();
            INDArray got = net.outputSingle(x2);
            assertEquals(res + "px net: the second batch uploads only its input (batch-norm-folded weights are kept)", up + 1, uploads());
            assertEquals(down, downloads());
            assertEquals(Location.DEVICE, got.location());
            new ParityCheck(dev, 1e-4).assertParity("network output", got, want);
            assertEquals("reading the output downloads it once", down + 1, downloads());
        }
    }

    /**
     * Whole training steps (forward, backward, batch-norm statistics, Adam) of EfficientNet-Lite0: after the first,
     * a step moves only the labels and the loss's few numbers, and gives the cpu backend's scores.
     */
    @Test
    public void trainingStepsKeepParametersGradientsAndStateOnTheDevice() {
        DataSet ds = smallBatch(64);
        Backends.use(cpu);
        ComputationGraph onCpu = EfficientNetLite.builder(0).resolution(64).numClasses(5).build().init();
        double[] want = trainScores(onCpu, ds, 3);
        Backends.use(dev);
        ComputationGraph net = EfficientNetLite.builder(0).resolution(64).numClasses(5).build().init();
        long[] perStep = stepTransfers(net, ds, dev.device());
        System.out.printf("EfficientNet-Lite0 64x64 batch 4, one training step on the simulated device: %d uploads (%d bytes), "
                + "%d downloads (%d bytes)%n", perStep[0], perStep[1], perStep[2], perStep[3]);
        assertTrue("bytes up per step: " + perStep[1], perStep[1] < 1024);
        assertTrue("bytes down per step: " + perStep[3], perStep[3] < 1024);
        ComputationGraph onDevice = EfficientNetLite.builder(0).resolution(64).numClasses(5).build().init();
        double[] got = trainScores(onDevice, ds, 3);
        assertArrayEquals(want, got, 1e-4 * Math.abs(want[0]));
        // the trained parameters, brought back from the device by host code, score the same on the cpu backend
        // (Adam turns noise-level gradient differences into +-lr steps, so the two runs' parameters are not compared)
        double onTheDevice = onDevice.score(ds);
        Backends.use(cpu);
        assertEquals(onTheDevice, onDevice.score(ds), 1e-5 * Math.abs(onTheDevice));
    }

    /** 4 images of size x size and one-hot labels over 5 classes. */
    public static DataSet smallBatch(int size) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 5);
        for (int i = 0; i < 4; i++) y.putScalar(i, i % 5, 1.0);
        return new DataSet(ParityCheck.uniform(17, 0, 1, 4, 3, size, size), y);
    }

    private static double[] trainScores(ComputationGraph net, DataSet ds, int steps) {
        double[] scores = new double[steps];
        for (int i = 0; i < steps; i++) {
            net.fit(ds);
            scores[i] = net.score();
        }
        return scores;
    }

    /** {uploads, bytes up, downloads, bytes down} of one training step after two warm-up steps. */
    public static long[] stepTransfers(ComputationGraph net, DataSet ds, org.pydl4j.nd.Device device) {
        net.fit(ds);
        net.fit(ds);
        long[] before = device.transferStats();
        net.fit(ds);
        long[] after = device.transferStats();
        long[] d = new long[4];
        for (int i = 0; i < 4; i++) d[i] = after[i] - before[i];
        return d;
    }

    /** The DL4J lesson's recipe through the device path gives the cpu backend's losses. */
    @Test
    public void lessonRecipeTrainsOnTheDevice() {
        Backends.use(cpu);
        double[] onCpu = ZooTransferTest.runLessonRecipe();
        Backends.use(dev);
        double[] onDevice = ZooTransferTest.runLessonRecipe();
        assertArrayEquals(onCpu, onDevice, 1e-4 * Math.abs(onCpu[0]));
    }
}
