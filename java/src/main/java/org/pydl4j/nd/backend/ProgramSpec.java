package org.pydl4j.nd.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;

/**
 * A small inference graph over NCHW tensors, compiled by a backend into an {@link InferenceProgram}: convolutions
 * with fused bias and activation, poolings, additions and activations. Values are numbered: the inputs first
 * (0..inputs-1), then one per node in the order added. Shapes are fixed when the spec is built (a program serves
 * one set of input shapes). Weights are not part of the spec: they are passed to every run, so a program never
 * holds stale parameters.
 */
public final class ProgramSpec {
    public enum Op { CONV, POOL, ADD, ACTIVATION }

    /** One node; fields not used by its op are null / false / -1. */
    public static final class Node {
        public final Op op;
        public final int in0, in1;
        public final ActivationSpec activation;   // CONV (fused), ACTIVATION
        public final boolean flag;            // CONV: has bias; POOL: max (else average, padding excluded)
        public final ConvParams params;       // CONV, POOL
        public final long[] weightShape;      // CONV: [O, C/groups, kH, kW]
        final long[] outShape;

        Node(Op op, int in0, int in1, ActivationSpec activation, boolean flag, ConvParams params, long[] weightShape, long[] outShape) {
            this.op = op;
            this.in0 = in0;
            this.in1 = in1;
            this.activation = activation;
            this.flag = flag;
            this.params = params;
            this.weightShape = weightShape;
            this.outShape = outShape;
        }
    }

    private final DataType type;
    private final List<long[]> inputShapes = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();

    /** A spec over inputs of the given NCHW shapes. */
    public ProgramSpec(DataType type, List<long[]> inputShapes) {
        if (type == null) throw new IllegalArgumentException("program data type is null");
        if (inputShapes.isEmpty()) throw new IllegalArgumentException("a program needs at least one input");
        this.type = type;
        for (long[] s : inputShapes) {
            if (s == null || s.length != 4) throw new IllegalArgumentException("program inputs must be [N,C,H,W], got " + Arrays.toString(s));
            for (long d : s) if (d < 1 || d > Integer.MAX_VALUE) throw new IllegalArgumentException("program input shape " + Arrays.toString(s) + " has an empty or huge dimension");
            this.inputShapes.add(s.clone());
        }
    }

    public DataType dataType() { return type; }
    public int numInputs() { return inputShapes.size(); }
    public int numValues() { return inputShapes.size() + nodes.size(); }
    public List<Node> nodes() { return Collections.unmodifiableList(nodes); }
    public List<Integer> outputs() { return Collections.unmodifiableList(outputs); }
    public long[] inputShape(int i) { return inputShapes.get(i).clone(); }

    /** The NCHW shape of a value. */
    public long[] shape(int value) {
        check(value);
        return value < inputShapes.size() ? inputShapes.get(value).clone() : nodes.get(value - inputShapes.size()).outShape.clone();
    }

    private void check(int value) {
        if (value < 0 || value >= numValues()) throw new IllegalArgumentException("program value " + value + " does not exist (have " + numValues() + ")");
    }

    private int add(Node n) {
        nodes.add(n);
        return numValues() - 1;
    }

    /** f(conv(x, W) + b): weights [O, C/groups, kH, kW] given at run time; act must be elementwise. */
    public int conv(int in, long[] weightShape, boolean hasBias, ConvParams p, Activation act) {
        Backend.requireFusable(act, "program conv");
        return conv(in, weightShape, hasBias, p, ActivationSpec.of(act));
    }

    /** As {@link #conv(int, long[], boolean, ConvParams, Activation)} with the activation's parameters. */
    public int conv(int in, long[] weightShape, boolean hasBias, ConvParams p, ActivationSpec act) {
        Backend.requireFusable(act.kind(), "program conv");
        ConvGeometry g = ConvGeometry.conv(shape(in), weightShape, p);
        return add(new Node(Op.CONV, in, -1, act, hasBias, p, weightShape.clone(), g.outShape()));
    }

    /** MAX or AVG (padding excluded) pooling. */
    public int pool(int in, PoolingType type, ConvParams p) {
        if (type == null) throw new IllegalArgumentException("program pool: pooling type is null");
        ConvGeometry g = ConvGeometry.pool(shape(in), p);
        return add(new Node(Op.POOL, in, -1, null, type == PoolingType.MAX, p, null, g.outShape()));
    }

    /** a + b (same shapes). */
    public int add(int a, int b) {
        if (!Arrays.equals(shape(a), shape(b))) {
            throw new IllegalArgumentException("program add: shapes " + Arrays.toString(shape(a)) + " and " + Arrays.toString(shape(b)) + " differ");
        }
        return add(new Node(Op.ADD, a, b, null, false, null, null, shape(a)));
    }

    /** An elementwise activation other than IDENTITY (for which the input value serves). */
    public int activation(int in, Activation act) {
        Backend.requireFusable(act, "program activation");
        return activation(in, ActivationSpec.of(act));
    }

    /** As {@link #activation(int, Activation)} with the activation's parameters. */
    public int activation(int in, ActivationSpec act) {
        Backend.requireFusable(act.kind(), "program activation");
        if (act.kind() == Activation.IDENTITY) throw new IllegalArgumentException("program activation: IDENTITY needs no node");
        return add(new Node(Op.ACTIVATION, in, -1, act, false, null, null, shape(in)));
    }

    /** Marks a node's value as a program output (in the order marked). */
    public void output(int value) {
        check(value);
        if (value < inputShapes.size()) throw new IllegalArgumentException("program output " + value + " is an input");
        if (outputs.contains(value)) throw new IllegalArgumentException("program output " + value + " marked twice");
        outputs.add(value);
    }

    /** Checks arrays given to receive the outputs. */
    public void checkOutputs(org.pydl4j.nd.INDArray[] out) {
        if (out == null || out.length != outputs.size()) throw new IllegalArgumentException("program run: expected " + outputs.size() + " output arrays");
        for (int i = 0; i < out.length; i++) {
            Checks.shape(out[i], shape(outputs.get(i)), "program output " + i);
            if (out[i].dataType() != type) throw new IllegalArgumentException("program output " + i + " is " + out[i].dataType() + ", program is " + type);
        }
    }

    /**
     * Rough working memory per image (bytes): the largest sum of one node's input and output values. Callers
     * use it to run big batches in slices.
     */
    public long peakBytesPerImage() {
        long n = inputShapes.get(0)[0], peak = 0;
        for (Node node : nodes) {
            long b = bytes(node.outShape) + bytes(shape(node.in0)) + (node.op == Op.ADD ? bytes(shape(node.in1)) : 0);
            peak = Math.max(peak, b);
        }
        return peak / Math.max(1, n);
    }

    /** Bytes of the weights the nodes read (convolution kernels). */
    public long weightBytes() {
        long b = 0;
        for (Node node : nodes) if (node.op == Op.CONV) b += bytes(node.weightShape);
        return b;
    }

    private long bytes(long[] s) {
        long b = type.width();
        for (long d : s) b *= d;
        return b;
    }

    /** Checks the arguments of a run against this spec. */
    public void checkRun(org.pydl4j.nd.INDArray[] inputs, org.pydl4j.nd.INDArray[] weights, org.pydl4j.nd.INDArray[] biases) {
        if (outputs.isEmpty()) throw new IllegalStateException("program has no outputs");
        if (inputs == null || inputs.length != inputShapes.size()) throw new IllegalArgumentException("program run: expected " + inputShapes.size() + " inputs");
        if (weights == null || weights.length != nodes.size() || biases == null || biases.length != nodes.size()) {
            throw new IllegalArgumentException("program run: weights and biases must have one entry per node (" + nodes.size() + ")");
        }
        for (int i = 0; i < inputs.length; i++) {
            Checks.shape(inputs[i], inputShapes.get(i), "program input " + i);
            if (inputs[i].dataType() != type) throw new IllegalArgumentException("program input " + i + " is " + inputs[i].dataType() + ", program is " + type);
        }
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            if (n.op != Op.CONV) continue;
            Checks.shape(weights[k], n.weightShape, "program node " + k + " weights");
            if (weights[k].dataType() != type) throw new IllegalArgumentException("program node " + k + " weights are " + weights[k].dataType());
            if (n.flag) {
                Checks.length(biases[k], n.weightShape[0], "program node " + k + " bias");
                if (biases[k].dataType() != type) throw new IllegalArgumentException("program node " + k + " bias is " + biases[k].dataType());
            }
        }
    }
}
