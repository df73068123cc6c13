package org.pydl4j.nn.conf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;

/**
 * The configuration of a MultiLayerNetwork (a stack of layers), as DL4J's MultiLayerConfiguration. It is held as a
 * linear {@link ComputationGraphConfiguration}: one network input, then layer i fed by layer i-1, each layer with its
 * optional input preprocessor; the network runs on the same engine as a ComputationGraph. Layers are named by their
 * index ("0", "1", ...) unless given a name.
 */
public class MultiLayerConfiguration implements Cloneable {
    private ComputationGraphConfiguration graph;

    /** Wraps a linear graph configuration; anything else is an error naming the vertex that breaks the chain. */
    public MultiLayerConfiguration(ComputationGraphConfiguration linearGraph) {
        this.graph = linearGraph;
        layerNames();
    }

    /** The linear graph configuration (shared, not a copy: the training counters live there). */
    public ComputationGraphConfiguration getGraphConfiguration() { return graph; }

    /** Layer (vertex) names in stack order; checks that the graph is a chain of layers. */
    public List<String> layerNames() {
        if (graph.getNetworkInputs().size() != 1 || graph.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("not a layer stack: " + graph.getNetworkInputs().size() + " inputs and "
                    + graph.getNetworkOutputs().size() + " outputs (a MultiLayerNetwork has one of each)");
        }
        List<String> order = new ArrayList<>();
        String prev = graph.getNetworkInputs().get(0);
        for (int i = 0; i < graph.getVertices().size(); i++) {
            String next = null;
            for (Map.Entry<String, List<String>> e : graph.getVertexInputs().entrySet()) {
                if (e.getValue().size() == 1 && e.getValue().get(0).equals(prev)) {
                    if (next != null) throw new IllegalArgumentException("not a layer stack: '" + prev + "' feeds both '" + next + "' and '" + e.getKey() + "'");
                    next = e.getKey();
                }
            }
            if (next == null) throw new IllegalArgumentException("not a layer stack: nothing takes the output of '" + prev + "' alone");
            if (!(graph.getVertices().get(next) instanceof LayerVertex)) {
                throw new IllegalArgumentException("not a layer stack: vertex '" + next + "' is a " + graph.getVertices().get(next) + ", not a layer");
            }
            order.add(next);
            prev = next;
        }
        if (!graph.getNetworkOutputs().get(0).equals(prev)) {
            throw new IllegalArgumentException("not a layer stack: the output '" + graph.getNetworkOutputs().get(0) + "' is not the last layer '" + prev + "'");
        }
        return order;
    }

    /** The network input's name in the underlying graph. */
    public String inputName() { return graph.getNetworkInputs().get(0); }

    /** Per layer, the network defaults with that layer's configuration ({@code getConf(i).getLayer()}). */
    public List<NeuralNetConfiguration> getConfs() {
        List<NeuralNetConfiguration> out = new ArrayList<>();
        for (String n : layerNames()) out.add(graph.getDefaultConfiguration().withLayer(graph.getLayer(n)));
        return Collections.unmodifiableList(out);
    }

    public NeuralNetConfiguration getConf(int i) {
        List<String> names = layerNames();
        if (i < 0 || i >= names.size()) throw new IllegalArgumentException("layer index " + i + " out of range: the network has " + names.size() + " layers");
        return graph.getDefaultConfiguration().withLayer(graph.getLayer(names.get(i)));
    }

    /** Preprocessors by layer index (given ones and those added for the input type). */
    public Map<Integer, InputPreProcessor> getInputPreProcessors() {
        Map<Integer, InputPreProcessor> out = new LinkedHashMap<>();
        List<String> names = layerNames();
        for (int i = 0; i < names.size(); i++) {
            InputPreProcessor p = ((LayerVertex) graph.getVertices().get(names.get(i))).getPreProcessor();
            if (p != null) out.put(i, p);
        }
        return out;
    }

    public InputPreProcessor getInputPreProcess(int layer) { return getInputPreProcessors().get(layer); }

    /** Replaces every layer's preprocessor (layers not in the map get none), as DL4J's setter; before init. */
    public void setInputPreProcessors(Map<Integer, InputPreProcessor> processors) {
        List<String> names = layerNames();
        for (Integer i : processors.keySet()) {
            if (i == null || i < 0 || i >= names.size()) throw new IllegalArgumentException("setInputPreProcessors: layer index " + i + " out of range: the network has " + names.size() + " layers");
        }
        for (int i = 0; i < names.size(); i++) {
            InputPreProcessor p = processors.get(i);
            ((LayerVertex) graph.getVertices().get(names.get(i))).setPreProcessor(p == null ? null : p.clone());
        }
    }

    /** The input type given with setInputType, or null. */
    public InputType getInputType() { return graph.getNetworkInputTypes().isEmpty() ? null : graph.getNetworkInputTypes().get(0); }

    public NeuralNetConfiguration getDefaultConfiguration() { return graph.getDefaultConfiguration(); }

    public int getIterationCount() { return graph.getIterationCount(); }
    public void setIterationCount(int n) { graph.setIterationCount(n); }
    public int getEpochCount() { return graph.getEpochCount(); }
    public void setEpochCount(int n) { graph.setEpochCount(n); }

    /** The JSON of the linear graph configuration (written and read by ComputationGraphConfiguration). */
    public String toJson() { return graph.toJson(); }

    /** Reads {@link #toJson()}; a graph that is not a layer stack is an error naming the vertex that breaks the chain. */
    public static MultiLayerConfiguration fromJson(String json) { return fromJson(json, ConfigTypes.FORMAT_VERSION); }

    /** Reads the configuration of a model file of the given format version (see ComputationGraphConfiguration). */
    public static MultiLayerConfiguration fromJson(String json, int formatVersion) {
        ComputationGraphConfiguration g = ComputationGraphConfiguration.fromJson(json, formatVersion);
        g.validate();
        return new MultiLayerConfiguration(g);
    }

    @Override
    public MultiLayerConfiguration clone() { return new MultiLayerConfiguration(graph.clone()); }

    @Override
    public boolean equals(Object o) { return o instanceof MultiLayerConfiguration && ((MultiLayerConfiguration) o).graph.equals(graph); }

    @Override
    public int hashCode() { return graph.hashCode(); }

    @Override
    public String toString() { return toJson(); }

    /** Layer names the list builder gives: the layer's own name, else its index. */
    static String layerName(Layer l, int index) { return l.getLayerName() != null ? l.getLayerName() : String.valueOf(index); }
}
