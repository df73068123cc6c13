package org.pydl4j.nn.conf;

import static org.pydl4j.util.json.JsonCodecs.COUNT;
import static org.pydl4j.util.json.JsonCodecs.STRING;
import static org.pydl4j.util.json.JsonCodecs.listOf;
import static org.pydl4j.util.json.JsonCodecs.mapOf;
import static org.pydl4j.util.json.JsonCodecs.object;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.util.json.JsonMapper;
import org.pydl4j.util.json.JsonType;

/**
 * The configuration of a ComputationGraph, as DL4J's ComputationGraphConfiguration: named inputs, vertices with
 * their inputs, outputs, optional input types, the network defaults, and the training counters. Round-trips
 * through {@link #toJson()} / {@link #fromJson(String)}.
 */
public class ComputationGraphConfiguration implements Cloneable {
    /** The saved fields (see JsonType). */
    public static final JsonType<ComputationGraphConfiguration> JSON = JsonType.declare(ComputationGraphConfiguration.class, ComputationGraphConfiguration::new)
            .named("ComputationGraphConfiguration")
            .field("vertices", mapOf(object(GraphVertex.class)), o -> o.vertices, (o, v) -> o.vertices = v)
            .field("vertexInputs", mapOf(listOf(STRING)), o -> o.vertexInputs, (o, v) -> o.vertexInputs = v)
            .field("networkInputs", listOf(STRING), o -> o.networkInputs, (o, v) -> o.networkInputs = v)
            .field("networkOutputs", listOf(STRING), o -> o.networkOutputs, (o, v) -> o.networkOutputs = v)
            .field("networkInputTypes", listOf(object(InputType.class)), o -> o.networkInputTypes, (o, v) -> o.networkInputTypes = v)
            .field("defaultConfiguration", object(NeuralNetConfiguration.class), o -> o.defaultConfiguration, (o, v) -> o.defaultConfiguration = v)
            .field("iterationCount", COUNT, o -> o.iterationCount, (o, v) -> o.iterationCount = v)
            .field("epochCount", COUNT, o -> o.epochCount, (o, v) -> o.epochCount = v)
            .build();

    private LinkedHashMap<String, GraphVertex> vertices = new LinkedHashMap<>();
    private LinkedHashMap<String, List<String>> vertexInputs = new LinkedHashMap<>();
    private List<String> networkInputs = new ArrayList<>();
    private List<String> networkOutputs = new ArrayList<>();
    private List<InputType> networkInputTypes = new ArrayList<>();
    private NeuralNetConfiguration defaultConfiguration = new NeuralNetConfiguration();
    private int iterationCount;
    private int epochCount;

    public ComputationGraphConfiguration() {}

    public Map<String, GraphVertex> getVertices() { return vertices; }
    public Map<String, List<String>> getVertexInputs() { return vertexInputs; }
    public List<String> getNetworkInputs() { return networkInputs; }
    public List<String> getNetworkOutputs() { return networkOutputs; }
    /** Input types given with setInputTypes (empty when none were given). */
    public List<InputType> getNetworkInputTypes() { return networkInputTypes; }
    public NeuralNetConfiguration getDefaultConfiguration() { return defaultConfiguration; }
    public void setDefaultConfiguration(NeuralNetConfiguration c) { this.defaultConfiguration = c; }
    public int getIterationCount() { return iterationCount; }
    public void setIterationCount(int n) { this.iterationCount = n; }
    public int getEpochCount() { return epochCount; }
    public void setEpochCount(int n) { this.epochCount = n; }

    /** The layer configuration of a layer vertex (unwrapped from its LayerVertex), or an error naming it. */
    public Layer getLayer(String name) {
        GraphVertex v = vertices.get(name);
        if (!(v instanceof LayerVertex)) {
            throw new IllegalArgumentException(v == null ? "no vertex named '" + name + "' (vertices: " + vertices.keySet() + ")"
                    : "vertex '" + name + "' is a " + v + ", not a layer");
        }
        return ((LayerVertex) v).getLayerConf();
    }

    // ---------------------------------------------------------------- structure

    /** Vertex names (inputs first) in a topological order; fails naming the vertices of a cycle. */
    public List<String> topologicalOrder() {
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> consumers = new LinkedHashMap<>();
        for (String in : networkInputs) consumers.put(in, new ArrayList<>());
        for (String v : vertices.keySet()) consumers.put(v, new ArrayList<>());
        for (Map.Entry<String, List<String>> e : vertexInputs.entrySet()) {
            pending.put(e.getKey(), e.getValue().size());
            for (String src : e.getValue()) {
                List<String> c = consumers.get(src);
                if (c == null) throw unknownInput(e.getKey(), src);
                c.add(e.getKey());
            }
        }
        List<String> order = new ArrayList<>();
        Deque<String> ready = new ArrayDeque<>(networkInputs);
        for (String v : vertices.keySet()) if (pending.getOrDefault(v, 0) == 0) ready.add(v);
        Set<String> done = new HashSet<>();
        while (!ready.isEmpty()) {
            String v = ready.poll();
            if (!done.add(v)) continue;
            order.add(v);
            for (String c : consumers.get(v)) {
                int left = pending.merge(c, -1, Integer::sum);
                if (left == 0) ready.add(c);
            }
        }
        if (order.size() != networkInputs.size() + vertices.size()) {
            List<String> cyc = new ArrayList<>();
            for (String v : vertices.keySet()) if (!done.contains(v)) cyc.add(v);
            throw new IllegalArgumentException("graph has a cycle through vertices " + cyc);
        }
        return order;
    }

    private IllegalArgumentException unknownInput(String vertex, String input) {
        return new IllegalArgumentException("vertex '" + vertex + "': input '" + input + "' is not a network input or vertex (inputs: "
                + networkInputs + ", vertices: " + vertices.keySet() + ")");
    }

    /** Checks names, connections, cycles, input counts and layer settings. */
    public void validate() {
        if (networkInputs.isEmpty()) throw new IllegalArgumentException("graph has no inputs: call addInputs(...)");
        if (networkOutputs.isEmpty()) throw new IllegalArgumentException("graph has no outputs: call setOutputs(...)");
        Set<String> seen = new HashSet<>();
        for (String in : networkInputs) {
            if (!seen.add(in)) throw new IllegalArgumentException("network input '" + in + "' is given twice");
            if (vertices.containsKey(in)) throw new IllegalArgumentException("'" + in + "' is both a network input and a vertex");
        }
        for (String out : networkOutputs) {
            if (!vertices.containsKey(out)) {
                throw new IllegalArgumentException("output '" + out + "' is not a vertex (vertices: " + vertices.keySet() + ")");
            }
        }
        for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
            List<String> ins = vertexInputs.get(e.getKey());
            if (ins == null || ins.isEmpty()) throw new IllegalArgumentException("vertex '" + e.getKey() + "' has no inputs");
            for (String src : ins) if (!vertices.containsKey(src) && !networkInputs.contains(src)) throw unknownInput(e.getKey(), src);
            GraphVertex v = e.getValue();
            if (ins.size() < v.minVertexInputs() || ins.size() > v.maxVertexInputs()) {
                throw new IllegalArgumentException("vertex '" + e.getKey() + "' (" + v + ") takes " + v.minVertexInputs()
                        + (v.maxVertexInputs() == Integer.MAX_VALUE ? "+" : ".." + v.maxVertexInputs()) + " inputs, got " + ins.size() + " " + ins);
            }
        }
        for (String k : vertexInputs.keySet()) {
            if (!vertices.containsKey(k)) throw new IllegalArgumentException("inputs given for unknown vertex '" + k + "'");
        }
        if (!networkInputTypes.isEmpty() && networkInputTypes.size() != networkInputs.size()) {
            throw new IllegalArgumentException(networkInputTypes.size() + " input types for " + networkInputs.size() + " network inputs " + networkInputs);
        }
        topologicalOrder();
        for (GraphVertex v : vertices.values()) if (v instanceof LayerVertex) ((LayerVertex) v).getLayerConf().validate();
    }

    /**
     * With input types: infers nIn (an explicitly set nIn that disagrees is an error naming the layer and both
     * sizes; override replaces it), adds preprocessors (CNN to dense flattening) and returns the output type of
     * every vertex. Without input types: an empty map.
     */
    public Map<String, InputType> inferTypes(boolean override) {
        Map<String, InputType> types = new LinkedHashMap<>();
        if (networkInputTypes.isEmpty()) return types;
        for (int i = 0; i < networkInputs.size(); i++) types.put(networkInputs.get(i), networkInputTypes.get(i));
        for (String name : topologicalOrder()) {
            if (types.containsKey(name)) continue;
            GraphVertex v = vertices.get(name);
            List<String> ins = vertexInputs.get(name);
            InputType[] in = new InputType[ins.size()];
            for (int i = 0; i < in.length; i++) in[i] = types.get(ins.get(i));
            InputType out;
            if (v instanceof LayerVertex) {
                LayerVertex lv = (LayerVertex) v;
                Layer l = lv.getLayerConf();
                InputType t = in[0];
                if (lv.getPreProcessor() == null) lv.setPreProcessor(l.getPreProcessorForInputType(t));
                if (lv.getPreProcessor() != null) t = lv.getPreProcessor().getOutputType(t);
                l.setNIn(t, override);
                out = l.getOutputType(0, t);
            } else {
                out = v.getOutputType(name, in);
            }
            types.put(name, out);
        }
        return types;
    }

    /** Output types of every vertex for the configured input types (empty when none were given). */
    public Map<String, InputType> getActivationTypes() { return clone().inferTypes(false); }

    // ---------------------------------------------------------------- JSON

    public String toJson() {
        ConfigTypes.ensureRegistered();
        return JsonMapper.toJson(this);
    }

    public static ComputationGraphConfiguration fromJson(String json) { return fromJson(json, ConfigTypes.FORMAT_VERSION); }

    /**
     * Reads the configuration of a model file of the given format version: files before format 3 may lack fields
     * added since (they keep their defaults, as such files always did); format 3 files must have every declared field.
     */
    public static ComputationGraphConfiguration fromJson(String json, int formatVersion) {
        ConfigTypes.ensureRegistered();
        ComputationGraphConfiguration c = JsonMapper.fromJson(json, ComputationGraphConfiguration.class, formatVersion < ConfigTypes.FORMAT_VERSION);
        if (c.networkInputTypes == null) c.networkInputTypes = new ArrayList<>();
        return c;
    }

    @Override
    public ComputationGraphConfiguration clone() { return JsonType.valueCopy(this); }   // deep, over the declared fields

    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    @Override
    public String toString() { return toJson(); }

    // ---------------------------------------------------------------- builder

    /** Builds a graph configuration, as DL4J's ComputationGraphConfiguration.GraphBuilder. */
    public static class GraphBuilder {
        protected final NeuralNetConfiguration.Builder globalConfiguration;
        protected final LinkedHashMap<String, GraphVertex> vertices = new LinkedHashMap<>();
        protected final LinkedHashMap<String, List<String>> vertexInputs = new LinkedHashMap<>();
        protected final List<String> networkInputs = new ArrayList<>();
        protected final List<String> networkOutputs = new ArrayList<>();
        protected final List<InputType> inputTypes = new ArrayList<>();
        /** Preprocessors given by layer name with setInputPreProcessors, attached at build. */
        protected final Map<String, InputPreProcessor> inputPreProcessors = new LinkedHashMap<>();

        public GraphBuilder(NeuralNetConfiguration.Builder globalConfiguration) { this.globalConfiguration = globalConfiguration; }

        /** Starts from an existing configuration (its vertices, inputs, outputs and input types; deep copies). */
        public GraphBuilder(ComputationGraphConfiguration conf, NeuralNetConfiguration.Builder globalConfiguration) {
            this(globalConfiguration);
            ComputationGraphConfiguration c = conf.clone();
            vertices.putAll(c.vertices);
            for (Map.Entry<String, List<String>> e : c.vertexInputs.entrySet()) vertexInputs.put(e.getKey(), new ArrayList<>(e.getValue()));
            networkInputs.addAll(c.networkInputs);
            networkOutputs.addAll(c.networkOutputs);
            inputTypes.addAll(c.networkInputTypes);
        }

        public NeuralNetConfiguration.Builder getGlobalConfiguration() { return globalConfiguration; }
        public Map<String, GraphVertex> getVertices() { return vertices; }
        public Map<String, List<String>> getVertexInputs() { return vertexInputs; }
        public List<String> getNetworkInputs() { return networkInputs; }
        public List<String> getNetworkOutputs() { return networkOutputs; }

        public GraphBuilder addInputs(String... names) { return addInputs(Arrays.asList(names)); }

        public GraphBuilder addInputs(Collection<String> names) {
            for (String n : names) {
                checkNewName(n);
                networkInputs.add(n);
            }
            return this;
        }

        private void checkNewName(String n) {
            if (n == null || n.isEmpty()) throw new IllegalArgumentException("vertex names must be non-empty");
            if (vertices.containsKey(n) || networkInputs.contains(n)) throw new IllegalArgumentException("a vertex or input named '" + n + "' already exists");
        }

        /** Input types in the order of addInputs: enables nIn inference and automatic preprocessors. */
        public GraphBuilder setInputTypes(InputType... types) {
            inputTypes.clear();
            inputTypes.addAll(Arrays.asList(types));
            return this;
        }

        public GraphBuilder addLayer(String name, Layer layer, String... inputs) { return addLayer(name, layer, null, inputs); }

        public GraphBuilder addLayer(String name, Layer layer, InputPreProcessor preProcessor, String... inputs) {
            if (layer == null) throw new IllegalArgumentException("addLayer('" + name + "'): layer is null");
            checkNewName(name);
            if (inputs == null || inputs.length == 0) throw new IllegalArgumentException("layer '" + name + "' needs at least one input");
            Layer copy = layer.clone();
            copy.setLayerName(name);
            if (inputs.length > 1) {
                String merge = name + "-merge";
                addVertex(merge, new MergeVertex(), inputs);
                inputs = new String[]{merge};
            }
            vertices.put(name, new LayerVertex(copy, preProcessor == null ? null : preProcessor.clone()));
            vertexInputs.put(name, new ArrayList<>(Arrays.asList(inputs)));
            return this;
        }

        public GraphBuilder layer(String name, Layer layer, String... inputs) { return addLayer(name, layer, inputs); }

        public GraphBuilder layer(String name, Layer layer, InputPreProcessor preProcessor, String... inputs) {
            return addLayer(name, layer, preProcessor, inputs);
        }

        public GraphBuilder addVertex(String name, GraphVertex vertex, String... inputs) {
            if (vertex == null) throw new IllegalArgumentException("addVertex('" + name + "'): vertex is null");
            checkNewName(name);
            if (inputs == null || inputs.length == 0) throw new IllegalArgumentException("vertex '" + name + "' needs at least one input");
            GraphVertex copy = vertex.clone();
            if (copy instanceof LayerVertex) ((LayerVertex) copy).getLayerConf().setLayerName(name);
            vertices.put(name, copy);
            vertexInputs.put(name, new ArrayList<>(Arrays.asList(inputs)));
            return this;
        }

        /** Sets (replaces) the preprocessor of a layer vertex. */
        public GraphBuilder inputPreProcessor(String layerName, InputPreProcessor p) {
            GraphVertex v = vertices.get(layerName);
            if (!(v instanceof LayerVertex)) throw new IllegalArgumentException("inputPreProcessor: '" + layerName + "' is not a layer vertex");
            ((LayerVertex) v).setPreProcessor(p);
            return this;
        }

        /** Preprocessors by layer name, attached when the configuration is built (the layers may be added later). */
        public GraphBuilder setInputPreProcessors(Map<String, InputPreProcessor> processors) {
            inputPreProcessors.clear();
            for (Map.Entry<String, InputPreProcessor> e : processors.entrySet()) inputPreProcessors.put(e.getKey(), e.getValue() == null ? null : e.getValue().clone());
            return this;
        }

        public GraphBuilder setOutputs(String... names) {
            networkOutputs.clear();
            networkOutputs.addAll(Arrays.asList(names));
            return this;
        }

        /** Removes a vertex and every connection to it. */
        public GraphBuilder removeVertex(String name) { return removeVertex(name, true); }

        /** Removes a vertex; with removeConnections, also drops it from other vertices' inputs and the outputs. */
        public GraphBuilder removeVertex(String name, boolean removeConnections) {
            if (!vertices.containsKey(name)) throw new IllegalArgumentException("removeVertex: no vertex named '" + name + "' (vertices: " + vertices.keySet() + ")");
            vertices.remove(name);
            vertexInputs.remove(name);
            if (removeConnections) {
                for (List<String> ins : vertexInputs.values()) ins.removeIf(name::equals);
                networkOutputs.removeIf(name::equals);
            }
            return this;
        }

        public ComputationGraphConfiguration build() {
            for (Map.Entry<String, InputPreProcessor> e : inputPreProcessors.entrySet()) inputPreProcessor(e.getKey(), e.getValue());
            ComputationGraphConfiguration c = new ComputationGraphConfiguration();
            NeuralNetConfiguration defaults = globalConfiguration.build();
            c.defaultConfiguration = defaults;
            for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
                GraphVertex v = e.getValue().clone();
                if (v instanceof LayerVertex) {
                    Layer l = ((LayerVertex) v).getLayerConf();
                    l.setLayerName(e.getKey());
                    defaults.configureLayer(l);
                }
                c.vertices.put(e.getKey(), v);
            }
            for (Map.Entry<String, List<String>> e : vertexInputs.entrySet()) c.vertexInputs.put(e.getKey(), new ArrayList<>(e.getValue()));
            c.networkInputs.addAll(networkInputs);
            c.networkOutputs.addAll(networkOutputs);
            c.networkInputTypes.addAll(inputTypes);
            for (String out : networkOutputs) {
                if (!vertices.containsKey(out)) {
                    throw new IllegalArgumentException("setOutputs: '" + out + "' is not a vertex (vertices: " + vertices.keySet() + ")");
                }
            }
            c.topologicalOrderChecked();
            c.inferTypes(false);
            c.validate();
            return c;
        }
    }

    /** Structural checks that must precede type inference (unknown names, cycles). */
    private void topologicalOrderChecked() {
        for (Map.Entry<String, List<String>> e : vertexInputs.entrySet()) {
            for (String src : e.getValue()) if (!vertices.containsKey(src) && !networkInputs.contains(src)) throw unknownInput(e.getKey(), src);
        }
        if (!networkInputTypes.isEmpty() && networkInputTypes.size() != networkInputs.size()) {
            throw new IllegalArgumentException(networkInputTypes.size() + " input types for " + networkInputs.size() + " network inputs " + networkInputs);
        }
        topologicalOrder();
    }
}
