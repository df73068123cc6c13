package org.pydl4j.nd.backend;

import java.util.List;
import org.pydl4j.nd.INDArray;

/**
 * Runs a {@link ProgramSpec} op by op on a backend's single ops (conv2dFused, pool2d, activate, add),
 * releasing each intermediate after its last use. The default compilation of every backend, and the oracle the
 * cpu backend's native programs are tested against.
 */
public final class InterpretedProgram implements InferenceProgram {
    private final Backend backend;
    private final ProgramSpec spec;
    private final int[] lastUse;

    public InterpretedProgram(Backend backend, ProgramSpec spec) {
        this.backend = backend;
        this.spec = spec;
        lastUse = new int[spec.numValues()];
        java.util.Arrays.fill(lastUse, -1);
        List<ProgramSpec.Node> nodes = spec.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            lastUse[nodes.get(k).in0] = k;
            if (nodes.get(k).op == ProgramSpec.Op.ADD) lastUse[nodes.get(k).in1] = k;
        }
    }

    @Override
    public synchronized INDArray[] run(INDArray[] inputs, INDArray[] weights, INDArray[] biases) {
        spec.checkRun(inputs, weights, biases);
        int ni = spec.numInputs();
        INDArray[] values = new INDArray[spec.numValues()];
        System.arraycopy(inputs, 0, values, 0, ni);
        List<ProgramSpec.Node> nodes = spec.nodes();
        List<Integer> outputs = spec.outputs();
        for (int k = 0; k < nodes.size(); k++) {
            ProgramSpec.Node n = nodes.get(k);
            INDArray x = values[n.in0];
            switch (n.op) {
                case CONV: values[ni + k] = backend.conv2dFused(x, weights[k], n.flag ? biases[k] : null, n.params, n.activation); break;
                case POOL: values[ni + k] = backend.pool2d(x, n.flag ? PoolingType.MAX : PoolingType.AVG, n.params); break;
                case ADD: values[ni + k] = backend.add(x, values[n.in1]); break;
                case ACTIVATION: values[ni + k] = backend.activate(n.activation, x); break;
                default: throw new IllegalStateException("unknown op " + n.op);
            }
            if (lastUse[ni + k] < 0 && !outputs.contains(ni + k)) {   // nobody reads it
                values[ni + k].close();
                values[ni + k] = null;
            }
            for (int v : n.op == ProgramSpec.Op.ADD ? new int[]{n.in0, n.in1} : new int[]{n.in0}) {
                if (v >= ni && lastUse[v] == k && !outputs.contains(v) && values[v] != null) {
                    values[v].close();
                    values[v] = null;
                }
            }
        }
        INDArray[] out = new INDArray[outputs.size()];
        for (int i = 0; i < out.length; i++) out[i] = values[outputs.get(i)];
        return out;
    }

    @Override
    public synchronized void runInto(INDArray[] inputs, INDArray[] weights, INDArray[] biases, INDArray[] outputs) {
        spec.checkOutputs(outputs);
        INDArray[] out = run(inputs, weights, biases);
        for (int i = 0; i < out.length; i++) {
            backend.copy(out[i], outputs[i]);
            out[i].close();
        }
    }

    @Override
    public void close() {}
}
