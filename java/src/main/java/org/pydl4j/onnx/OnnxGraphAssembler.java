package org.pydl4j.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nd.INDArray;

/** Collects the nodes and initializers of an ONNX graph being written; keeps tensor and node names unique. */
final class OnnxGraphAssembler {
    final List<OnnxNode> nodes = new ArrayList<>();
    final Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();

    /** Adds a node named after the tensor {@code output} it writes; returns {@code output}. */
    String node(String op, String output, List<String> inputs, OnnxAttribute... attrs) {
        return named(op, output, output, inputs, attrs);
    }

    /**
     * Adds a node called {@code name} writing tensor {@code output} (node names are a namespace of their own: the
     * importer names vertices after nodes, so a layer's main node carries the vertex name even where its output
     * tensor is an intermediate one).
     */
    String named(String op, String name, String output, List<String> inputs, OnnxAttribute... attrs) {
        Map<String, OnnxAttribute> a = new LinkedHashMap<>();
        for (OnnxAttribute x : attrs) a.put(x.name(), x);
        names.add(output);
        nodes.add(new OnnxNode(name, op, "", List.copyOf(inputs), List.of(output), a));
        return output;
    }

    /** A fresh tensor name derived from {@code base}. */
    String unique(String base) {
        String n = base;
        for (int i = 1; !names.add(n); i++) n = base + "_" + i;
        return n;
    }

    /** A float initializer with the given ONNX dims (the array's values in C order). */
    String floats(String name, INDArray values, long... dims) {
        float[] v = values.toFloatVector();
        long n = 1;
        for (long d : dims) n *= d;
        if (n != v.length) throw new IllegalArgumentException("initializer " + name + ": " + v.length + " values for dims " + java.util.Arrays.toString(dims));
        String u = unique(name);
        initializers.put(u, OnnxTensor.ofFloats(u, dims, v));
        return u;
    }

    String scalar(String name, float v) {
        String u = unique(name);
        initializers.put(u, OnnxTensor.ofFloats(u, new long[0], new float[]{v}));
        return u;
    }

    String ints(String name, long... v) {
        String u = unique(name);
        initializers.put(u, OnnxTensor.ofInts(u, new long[]{v.length}, v));
        return u;
    }
}
