package org.pydl4j.util.serde;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.layers.Layer;

/**
 * A DL4J ComputationGraphConfiguration translated into this project's configuration objects, vertex by vertex,
 * together with what is needed to map DL4J's flat parameter vector: the vertex order of the DL4J file (which
 * decides DL4J's topological order) and, per layer, how its weights must be rearranged.
 */
final class Dl4jGraph {
    /** One vertex: a layer (with an optional preprocessor) or another vertex configuration. */
    static final class Vertex {
        final String name;
        /** DL4J class of the layer or vertex, for error messages. */
        final String dl4jClass;
        Layer layer;                       // for layer vertices
        InputPreProcessor preProcessor;    // the layer vertex's preprocessor
        GraphVertex vertex;                // for other vertices
        List<String> inputs = new ArrayList<>();
        /** DL4J BatchNormalization option: the flat vector holds log10(stdev) instead of the variance. */
        boolean bnLogStd;
        /** DL4J BatchNormalization option: no gamma/beta in the flat vector; these constants instead. */
        boolean bnLockGammaBeta;
        double bnGamma = 1, bnBeta = 0;
        /**
         * Set when this dense layer's input was flattened from [c, h, w] in DL4J's Keras (TensorFlow) order
         * h, w, c: {height, width, channels}. The weights' rows are permuted to channel-major order on import.
         */
        long[] nhwcFlattenedInput;
        /** Set on a PreprocessorVertex or layer preprocessor that flattened in TensorFlow order (h, w, c). */
        long[] nhwcFlatten;
        /** A DL4J LossLayer (merged into the dense layer in front of it when the file is read). */
        org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction lossLayerLoss;
        org.pydl4j.nd.activations.ActivationSpec lossLayerActivation;

        Vertex(String name, String dl4jClass) { this.name = name; this.dl4jClass = dl4jClass; }

        boolean isLayer() { return layer != null; }
    }

    final List<String> networkInputs = new ArrayList<>();
    final List<String> networkOutputs = new ArrayList<>();
    /** In the order of the DL4J file's "vertices" object. */
    final Map<String, Vertex> vertices = new LinkedHashMap<>();
    /** DL4J's stored topological order (names, inputs included), when the file has one. */
    List<String> topologicalOrderStr;
    long seed;
    /** Network default updater, if the file names one this project has. */
    org.pydl4j.nd.learning.config.IUpdater defaultUpdater;
    long iterationCount, epochCount;

    /**
     * DL4J's topological order of vertex names (network inputs first), which is also the order of layers in the
     * flat parameter vector. When the file stores it ("topologicalOrderStr", DL4J 1.0+) that is used; otherwise it
     * is recomputed as DL4J's ComputationGraph.calculateIndices does: Kahn's algorithm over indices (inputs, then
     * vertices in file order), the start set taken in index order from a hash map of input sets, and each vertex's
     * consumers visited in the iteration order of a java.util.HashSet filled in the same sequence, so the order
     * (including ties) matches DL4J's on every JVM.
     */
    List<String> dl4jTopologicalOrder() {
        if (topologicalOrderStr != null) return topologicalOrderStr;
        List<String> names = new ArrayList<>(networkInputs);
        names.addAll(vertices.keySet());
        Map<String, Integer> idx = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) idx.put(names.get(i), i);
        Map<Integer, java.util.Set<Integer>> inputEdges = new java.util.HashMap<>();
        Map<Integer, java.util.Set<Integer>> outputEdges = new java.util.HashMap<>();
        for (String in : networkInputs) inputEdges.put(idx.get(in), null);
        for (Vertex v : vertices.values()) {
            int vi = idx.get(v.name);
            if (v.inputs.isEmpty()) { inputEdges.put(vi, null); continue; }
            java.util.Set<Integer> ins = new java.util.HashSet<>();
            for (String s : v.inputs) {
                Integer ii = idx.get(s);
                if (ii == null) throw new IllegalArgumentException("vertex '" + v.name + "' has unknown input '" + s + "'");
                ins.add(ii);
                outputEdges.computeIfAbsent(ii, k -> new java.util.HashSet<>()).add(vi);
            }
            inputEdges.put(vi, ins);
        }
        java.util.LinkedList<Integer> ready = new java.util.LinkedList<>();
        for (Map.Entry<Integer, java.util.Set<Integer>> e : inputEdges.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) ready.add(e.getKey());
        }
        List<String> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            int next = ready.removeFirst();
            out.add(names.get(next));
            java.util.Set<Integer> consumers = outputEdges.get(next);
            if (consumers == null) continue;
            for (Integer c : consumers) {
                java.util.Set<Integer> s = inputEdges.get(c);
                s.remove(next);
                if (s.isEmpty()) ready.add(c);
            }
        }
        if (out.size() != names.size()) throw new IllegalArgumentException("the DL4J graph has a cycle");
        return out;
    }
}
