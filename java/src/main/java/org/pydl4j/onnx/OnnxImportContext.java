package org.pydl4j.onnx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;

/**
 * State of one ONNX import: what each ONNX tensor is here (a vertex's output with its type, or a constant), the
 * graph being built, and the parameters to load once the network is initialized.
 */
final class OnnxImportContext {
    /**
     * A vertex output. {@code squeezed}: ONNX sees [N, C, 1, 1] where the vertex yields [N, C] (global pooling), so
     * a following Flatten/Reshape/Squeeze is a no-op.
     */
    record Value(String vertex, InputType type, boolean squeezed) {}

    /** A parameter array to load after init: values in C order and the shape our layer wants. */
    record Param(float[] values, long[] shape) {}

    final String file;
    final long opset;
    final ComputationGraphConfiguration.GraphBuilder graph;
    final Map<String, Value> values = new HashMap<>();
    final Map<String, OnnxTensor> constants = new HashMap<>();
    final Map<String, Map<String, Param>> params = new LinkedHashMap<>();
    /** Consumers of each tensor (node indices), for patterns that fuse nodes (Mul+Sigmoid, MatMul+Add). */
    final Map<String, List<OnnxNode>> consumers;
    /** Sigmoid outputs consumed only as Mul(x, Sigmoid(x)): output tensor -> x (the Mul becomes a SWISH layer). */
    final Map<String, String> swishGates = new HashMap<>();
    /** Nodes already folded into another node's layer (skipped when reached). */
    final Set<OnnxNode> fused = new HashSet<>();
    private final Set<String> vertexNames = new HashSet<>();

    OnnxImportContext(String file, long opset, ComputationGraphConfiguration.GraphBuilder graph, Map<String, List<OnnxNode>> consumers) {
        this.file = file;
        this.opset = opset;
        this.graph = graph;
        this.consumers = consumers;
    }

    UnsupportedOnnxOpException unsupported(OnnxNode n, String why) {
        return new UnsupportedOnnxOpException(file, n.name(), n.opType(), opset, why);
    }

    boolean isConstant(String tensor) { return constants.containsKey(tensor); }

    OnnxTensor constant(OnnxNode n, int input) throws UnsupportedOnnxOpException {
        OnnxTensor t = constants.get(n.input(input));
        if (t == null) throw unsupported(n, "input " + input + " ('" + n.input(input) + "') must be a constant (initializer)");
        return t;
    }

    Value value(OnnxNode n, int input) throws UnsupportedOnnxOpException {
        Value v = values.get(n.input(input));
        if (v == null) {
            throw unsupported(n, "input " + input + " ('" + n.input(input) + "') must be computed from the network input"
                    + (isConstant(n.input(input)) ? ", not a constant" : " (unknown tensor)"));
        }
        return v;
    }

    InputType.InputTypeConvolutional cnn(OnnxNode n, Value v) throws UnsupportedOnnxOpException {
        if (!(v.type() instanceof InputType.InputTypeConvolutional) || v.squeezed()) {
            throw unsupported(n, "needs a 4-d NCHW input, got " + v.type());
        }
        return (InputType.InputTypeConvolutional) v.type();
    }

    /** A vertex name for a node: its name (or first output), made unique; '/' and ':' become '_'. */
    String vertexName(OnnxNode n, String suffix) {
        String base = (n.name().isEmpty() ? n.outputs().get(0) : n.name()).replaceAll("[/:\\s]", "_") + suffix;
        if (base.isEmpty()) base = "node";
        String name = base;
        for (int i = 1; !vertexNames.add(name); i++) name = base + "_" + i;
        return name;
    }

    void reserve(String name) { vertexNames.add(name); }

    /** Adds a layer reading {@code in}; returns its output value (type inferred as the graph will). */
    Value layer(String name, Layer layer, Value in) {
        graph.addLayer(name, layer, in.vertex());
        InputType t = in.type();
        InputPreProcessor pre = layer.getPreProcessorForInputType(t);
        if (pre != null) t = pre.getOutputType(t);
        layer.setNIn(t, false);
        return new Value(name, layer.getOutputType(0, t), false);
    }

    Value vertex(String name, GraphVertex v, List<Value> in) {
        String[] names = new String[in.size()];
        InputType[] types = new InputType[in.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = in.get(i).vertex();
            types[i] = in.get(i).type();
        }
        graph.addVertex(name, v, names);
        return new Value(name, v.getOutputType(name, types), false);
    }

    void param(String vertex, String key, float[] values, long... shape) {
        params.computeIfAbsent(vertex, k -> new LinkedHashMap<>()).put(key, new Param(values, shape));
    }

    /** Binds a node's first output. */
    void output(OnnxNode n, Value v) { values.put(n.outputs().get(0), v); }
}
