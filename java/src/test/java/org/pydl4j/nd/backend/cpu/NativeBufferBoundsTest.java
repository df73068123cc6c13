package org.pydl4j.nd.backend.cpu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.NativeActivation;
import org.pydl4j.nd.backend.ProgramSpec;

/**
 * Every native entry point checks the capacity of each buffer it is given against what oneDNN/OpenBLAS will read or
 * write for the shape it is told, and throws instead of touching memory past it (issue 11: a write past a buffer
 * corrupts the C heap, where oneDNN keeps its stream). Each case hands one buffer that is a float short, cut out of a
 * larger block whose tail is a canary: the call must fail with IllegalStateException naming the buffer, and the
 * canary must be intact. Before the checks the calls wrote into the canary (or died dividing by zero groups).
 */
public class NativeBufferBoundsTest {
    private static final int CANARY = 0x5A5A5A5A;
    private static final int TAIL = 64;   // floats of canary after each short buffer

    // conv geometry: {N, C, H, W, O, OH, OW, kH, kW, sH, sW, pt, pl, pb, pr, dH, dW, groups}
    private static final int[] CONV = {2, 3, 8, 8, 4, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    private static final int X = 2 * 3 * 8 * 8, W = 4 * 3 * 3 * 3, B = 4, Y = 2 * 4 * 8 * 8;
    private static final int[] POOL = {2, 3, 8, 8, 3, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1};
    private static final int PY = 2 * 3 * 4 * 4;

    @BeforeClass
    public static void load() { new CpuBackend(); }

    /** A buffer of `floats` floats (random values) followed, in the same block, by a canary tail. */
    private static final class Guarded {
        final ByteBuffer block;
        final ByteBuffer view;
        final int floats;

        Guarded(int floats) {
            this.floats = floats;
            block = ByteBuffer.allocateDirect((floats + TAIL) * 4).order(ByteOrder.nativeOrder());
            for (int i = 0; i < floats; i++) block.putFloat(i * 4, (float) Math.sin(i));
            for (int i = floats; i < floats + TAIL; i++) block.putInt(i * 4, CANARY);
            view = block.duplicate().position(0).limit(floats * 4).slice().order(ByteOrder.nativeOrder());
        }

        void assertCanaryIntact(String what) {
            for (int i = floats; i < floats + TAIL; i++) {
                assertEquals(what + ": memory past the buffer was written (float " + (i - floats) + " after it)", CANARY, block.getInt(i * 4));
            }
        }
    }

    private static ByteBuffer full(int floats) { return new Guarded(floats).view; }

    /** Runs call with `shortOne` one float too small; expects the refusal naming `name`, canary intact. */
    private static void refused(String name, Guarded shortOne, Runnable call) {
        try {
            call.run();
            shortOne.assertCanaryIntact(name);
            fail(name + ": a buffer one float short was accepted");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(name) && e.getMessage().contains("bytes"));
        }
        shortOne.assertCanaryIntact(name);
    }

    @Test
    public void convolutionOutputsAndInputsOneFloatShort() {
        Guarded y = new Guarded(Y - 1);
        refused("output", y, () -> CpuNative.convForward(full(X), full(W), full(B), y.view, CONV));
        Guarded yf = new Guarded(Y - 1);
        refused("output", yf, () -> CpuNative.convForwardFused(full(X), full(W), full(B), yf.view, CONV, NativeActivation.code(Activation.RELU)));
        Guarded w = new Guarded(W - 1);
        refused("weight", w, () -> CpuNative.convForward(full(X), w.view, full(B), full(Y), CONV));
        Guarded x = new Guarded(X - 1);
        refused("input", x, () -> CpuNative.convForward(x.view, full(W), null, full(Y), CONV));
        Guarded gx = new Guarded(X - 1);
        refused("gradInput", gx, () -> CpuNative.convBackwardData(full(Y), full(W), gx.view, CONV));
        Guarded gw = new Guarded(W - 1);
        refused("gradWeight", gw, () -> CpuNative.convBackwardWeights(full(X), full(Y), gw.view, full(B), CONV));
        Guarded gb = new Guarded(B - 1);
        refused("gradBias", gb, () -> CpuNative.convBackwardWeights(full(X), full(Y), full(W), gb.view, CONV));
    }

    @Test
    public void groupsThatDoNotDivideTheChannelsAreRefusedNotDividedBy() {
        for (int groups : new int[]{0, -1, 2}) {   // 0 divided by zero in the native weight shape (SIGFPE)
            int[] g = CONV.clone();
            g[17] = groups;
            try {
                CpuNative.convForward(full(X), full(W), null, full(Y), g);
                fail("groups " + groups + " accepted");
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("groups"));
            }
        }
    }

    @Test
    public void poolingBatchNormActivationsChannelScaleAndGemmOneFloatShort() {
        Guarded py = new Guarded(PY - 1);
        refused("output", py, () -> CpuNative.poolForward(true, full(X), py.view, POOL));
        Guarded pgx = new Guarded(X - 1);
        refused("gradInput", pgx, () -> CpuNative.poolBackward(true, full(X), full(PY), pgx.view, POOL));
        Guarded bny = new Guarded(X - 1);
        refused("output", bny, () -> CpuNative.batchNormForward(false, full(X), full(3), full(3), full(3), new Guarded(3).view, bny.view, 2, 3, 64, 1e-5f));
        Guarded mean = new Guarded(2);
        refused("mean", mean, () -> CpuNative.batchNormForward(true, full(X), full(3), full(3), mean.view, full(3), full(X), 2, 3, 64, 1e-5f));
        Guarded act = new Guarded(99);
        refused("output", act, () -> CpuNative.eltwiseForward(NativeActivation.code(Activation.TANH), full(100), act.view, 100));
        Guarded soft = new Guarded(5 * 7 - 1);
        refused("output", soft, () -> CpuNative.softmaxForward(full(35), soft.view, 5, 7));
        Guarded se = new Guarded(2 * 3 * 64 - 1);
        refused("output", se, () -> CpuNative.channelScale(full(X), full(6), se.view, 2, 3, 64));
        Guarded gate = new Guarded(5);
        refused("scale", gate, () -> CpuNative.channelScale(full(X), gate.view, full(X), 2, 3, 64));
        Guarded c = new Guarded(6 * 5 - 1);
        refused("c", c, () -> CpuNative.gemm(full(6 * 4), false, full(4 * 5), false, c.view, 6, 5, 4, 1f, 0f));
        try {
            CpuNative.eltwiseForward(NativeActivation.code(Activation.TANH), full(4), full(4), -4);
            fail("negative length accepted");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("negative"));
        }
    }

    @Test
    public void programBuffersOneFloatShort() {
        ProgramSpec spec = new ProgramSpec(DataType.FLOAT, List.of(new long[]{2, 3, 8, 8}));
        spec.output(spec.conv(0, new long[]{4, 3, 3, 3}, true, ConvParams.of(3, 3, 1, 1, 1, 1), Activation.RELU));
        long handle = CpuNative.programCreate(CpuProgram.encode(spec));
        try {
            Guarded out = new Guarded(Y - 1);
            refused("program output 0", out, () -> CpuNative.programRun(handle, new ByteBuffer[]{full(X)}, new ByteBuffer[]{full(W)},
                    new ByteBuffer[]{full(B)}, new ByteBuffer[]{out.view}, null));
            Guarded in = new Guarded(X - 1);
            refused("program input 0", in, () -> CpuNative.programRun(handle, new ByteBuffer[]{in.view}, new ByteBuffer[]{full(W)},
                    new ByteBuffer[]{full(B)}, new ByteBuffer[]{full(Y)}, null));
            Guarded w = new Guarded(W - 1);
            refused("program weights 0", w, () -> CpuNative.programRun(handle, new ByteBuffer[]{full(X)}, new ByteBuffer[]{w.view},
                    new ByteBuffer[]{full(B)}, new ByteBuffer[]{full(Y)}, null));
            Guarded b = new Guarded(B - 1);
            refused("program bias 0", b, () -> CpuNative.programRun(handle, new ByteBuffer[]{full(X)}, new ByteBuffer[]{full(W)},
                    new ByteBuffer[]{b.view}, new ByteBuffer[]{full(Y)}, null));
            Guarded exact = new Guarded(Y);   // the right sizes run and stay inside their buffers
            CpuNative.programRun(handle, new ByteBuffer[]{full(X)}, new ByteBuffer[]{full(W)}, new ByteBuffer[]{full(B)}, new ByteBuffer[]{exact.view}, null);
            exact.assertCanaryIntact("program output of the right size");
        } finally {
            CpuNative.programFree(handle);
        }
    }
}
