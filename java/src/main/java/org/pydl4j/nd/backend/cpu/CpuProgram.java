package org.pydl4j.nd.backend.cpu;

import org.pydl4j.nd.backend.JniBackend;
import org.pydl4j.nd.backend.NativeActivation;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.ConvGeometry;
import org.pydl4j.nd.backend.InferenceProgram;
import org.pydl4j.nd.backend.ProgramSpec;

/**
 * A {@link ProgramSpec} compiled into a native oneDNN program (program.cpp): intermediate values stay in the
 * layouts the kernels choose, buffers are planned once by liveness and reused by every run. FLOAT only.
 *
 * <p>Native spec: {inputs, nodes, outputs}, then N,C,H,W per input, then per node {op, in0, in1, activation code,
 * flag, geometry[18]} (geometry as CpuNative's), then the output value ids.
 */
final class CpuProgram implements InferenceProgram {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ProgramSpec spec;
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /**
     * Owns the native pointer; frees it once (explicit close or garbage collection). The pointer is used only while
     * this handle's lock is held, and freeing takes the same lock: a close (or the Cleaner) that races a run waits
     * for the run to finish instead of freeing the program under it.
     */
    private static final class Handle implements Runnable {
        private long ptr;
        // The weight arrays of the last run and their write counts: an array that is the same engine-owned memory,
        // not written since, needs no content hash in the native run (see program.cpp's run).
        private INDArray[] lastWeights;
        private long[] lastWrites;

        Handle(long ptr) { this.ptr = ptr; }

        private long live() {
            if (ptr == 0) throw new IllegalStateException("inference program was closed");
            return ptr;
        }

        synchronized void execute(ByteBuffer[] in, INDArray[] weights, ByteBuffer[] w, ByteBuffer[] b, ByteBuffer[] o) {
            boolean[] unchanged = new boolean[w.length];
            long[] writes = new long[w.length];
            for (int k = 0; k < w.length; k++) {
                if (w[k] == null) continue;
                INDArray a = weights[k];
                writes[k] = a.writeCount();
                unchanged[k] = lastWeights != null && lastWeights[k] == a && lastWrites[k] == writes[k]
                        && !a.isClosed() && !a.writableOutside();
            }
            lastWeights = null;   // a failed run vouches for nothing
            CpuNative.programRun(live(), in, w, b, o, unchanged);
            lastWeights = weights.clone();
            lastWrites = writes;
        }

        synchronized long bufferBytes() { return CpuNative.programBufferBytes(live()); }

        synchronized String describe() { return CpuNative.programDescribe(live()); }

        @Override
        public synchronized void run() {
            if (ptr != 0) CpuNative.programFree(ptr);
            ptr = 0;
        }
    }

    CpuProgram(ProgramSpec spec) {
        if (spec.dataType() != DataType.FLOAT) throw new IllegalArgumentException("native programs are FLOAT only, got " + spec.dataType());
        if (spec.outputs().isEmpty()) throw new IllegalArgumentException("program has no outputs");
        this.spec = spec;
        this.handle = new Handle(CpuNative.programCreate(encode(spec)));
        this.cleanable = CLEANER.register(this, handle);
    }

    static int[] encode(ProgramSpec spec) {
        List<ProgramSpec.Node> nodes = spec.nodes();
        int[] out = new int[3 + 4 * spec.numInputs() + nodes.size() * 23 + spec.outputs().size()];
        int p = 0;
        out[p++] = spec.numInputs();
        out[p++] = nodes.size();
        out[p++] = spec.outputs().size();
        for (int i = 0; i < spec.numInputs(); i++) for (long d : spec.inputShape(i)) out[p++] = (int) d;
        for (ProgramSpec.Node n : nodes) {
            out[p++] = n.op.ordinal();   // CONV 0, POOL 1, ADD 2, ACTIVATION 3 as in program.cpp
            out[p++] = n.in0;
            out[p++] = n.in1;
            out[p++] = n.activation == null ? NativeActivation.IDENTITY : CpuActivationCodes.code(n.activation);
            out[p++] = n.flag ? 1 : 0;
            int[] geo;
            long[] in = spec.shape(n.in0);
            switch (n.op) {
                case CONV: geo = JniBackend.geometry(ConvGeometry.conv(in, n.weightShape, n.params), n.params, n.params.groups); break;
                case POOL: geo = JniBackend.geometry(ConvGeometry.pool(in, n.params), n.params, 1); break;
                default: geo = new int[18];
            }
            System.arraycopy(geo, 0, out, p, 18);
            p += 18;
        }
        for (int v : spec.outputs()) out[p++] = v;
        return out;
    }

    @Override
    public INDArray[] run(INDArray[] inputs, INDArray[] weights, INDArray[] biases) {
        List<Integer> outs = spec.outputs();
        INDArray[] result = new INDArray[outs.size()];
        for (int i = 0; i < result.length; i++) result[i] = Nd4j.createUninitialized(DataType.FLOAT, spec.shape(outs.get(i)));
        try {
            runInto(inputs, weights, biases, result);
        } catch (RuntimeException e) {
            for (INDArray r : result) r.close();
            throw e;
        }
        return result;
    }

    @Override
    public void runInto(INDArray[] inputs, INDArray[] weights, INDArray[] biases, INDArray[] result) {
        spec.checkRun(inputs, weights, biases);
        spec.checkOutputs(result);
        List<ProgramSpec.Node> nodes = spec.nodes();
        ByteBuffer[] in = new ByteBuffer[inputs.length], w = new ByteBuffer[nodes.size()], b = new ByteBuffer[nodes.size()];
        for (int i = 0; i < inputs.length; i++) in[i] = inputs[i].bufferForRead();
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get(k).op != ProgramSpec.Op.CONV) continue;
            w[k] = weights[k].bufferForRead();
            if (nodes.get(k).flag) b[k] = biases[k].bufferForRead();
        }
        ByteBuffer[] o = new ByteBuffer[result.length];
        for (int i = 0; i < result.length; i++) o[i] = result[i].buffer();
        try {
            handle.execute(in, weights, w, b, o);
        } finally {
            // the arrays own the memory the buffers point into: they (and this program) stay reachable until the
            // native call returned, whatever the JIT concludes about their last use
            Reference.reachabilityFence(this);
            Reference.reachabilityFence(inputs);
            Reference.reachabilityFence(weights);
            Reference.reachabilityFence(biases);
            Reference.reachabilityFence(result);
        }
    }

    @Override
    public long workingBytes() {
        try {
            return handle.bufferBytes();
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public String describe() {
        try {
            return handle.describe();
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void close() { cleanable.clean(); }
}
