package org.pydl4j.util.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.util.json.Json;

/**
 * DL4J's MultiLayerNetwork model zip: {@code configuration.json} holds DL4J's MultiLayerConfiguration ("confs": one
 * NeuralNetConfiguration per layer, "inputPreProcessors" by layer index) and {@code coefficients.bin} the layers'
 * parameters in index order, each in DL4J's layout. A stack is the linear graph input -> "0" -> "1" -> ..., so
 * both directions translate the JSON tree to or from DL4J's graph JSON and reuse the graph importer and exporter
 * (layer translation and parameter layouts are written once, there).
 */
public final class Dl4jMultiLayerFormat {
    private Dl4jMultiLayerFormat() {}

    private static final String LAYER_VERTEX = "org.deeplearning4j.nn.conf.graph.LayerVertex";
    private static final String INPUT = "input";

    /** Restores a MultiLayerNetwork from an open DL4J zip; source names the file in errors. */
    public static MultiLayerNetwork restore(ZipFile zip, String source) throws IOException {
        String json = ModelZips.readText(zip, "configuration.json", source);
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": configuration.json is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Object> root = parsed instanceof Map ? cast(parsed) : null;
        if (root == null || !(root.get("confs") instanceof List)) {
            throw new IllegalArgumentException(source + ": configuration.json is not a DL4J MultiLayerNetwork configuration (no \"confs\")"
                    + (root != null && root.containsKey("vertices") ? "; it is a ComputationGraph: use restoreComputationGraph" : ""));
        }
        ComputationGraph graph = Dl4jZipImporter.restore(Json.write(toGraphJson(root, source)), zip, source);
        MultiLayerConfiguration conf;
        try {
            conf = new MultiLayerConfiguration(graph.getConfiguration());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        return new MultiLayerNetwork(conf, graph.paramsView());
    }

    /** DL4J's graph JSON of a stack: input -> "0" -> "1" -> ..., each layer vertex with its preprocessor. */
    private static Map<String, Object> toGraphJson(Map<String, Object> root, String source) {
        List<Object> confs = cast(root.get("confs"));
        if (confs.isEmpty()) throw new IllegalArgumentException(source + ": the DL4J configuration has no layers");
        Map<String, Object> pre = root.get("inputPreProcessors") instanceof Map ? cast(root.get("inputPreProcessors")) : Map.of();
        for (String k : pre.keySet()) {
            if (!k.matches("\\d{1,9}") || Integer.parseInt(k) >= confs.size()) {
                throw new IllegalArgumentException(source + ": inputPreProcessors names layer '" + k + "', the network has " + confs.size() + " layers");
            }
        }
        Map<String, Object> vertices = new LinkedHashMap<>(), inputs = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>(List.of(INPUT));
        String prev = INPUT;
        for (int i = 0; i < confs.size(); i++) {
            String name = String.valueOf(i);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("@class", LAYER_VERTEX);
            v.put("layerConf", confs.get(i));
            v.put("preProcessor", pre.get(name));
            vertices.put(name, v);
            inputs.put(name, new ArrayList<Object>(List.of(prev)));
            order.add(name);
            prev = name;
        }
        Map<String, Object> g = new LinkedHashMap<>();
        if (confs.get(0) instanceof Map) g.put("defaultConfiguration", confs.get(0));
        g.put("epochCount", root.getOrDefault("epochCount", 0));
        g.put("iterationCount", root.getOrDefault("iterationCount", 0));
        g.put("networkInputs", new ArrayList<Object>(List.of(INPUT)));
        g.put("networkOutputs", new ArrayList<Object>(List.of(prev)));
        g.put("topologicalOrderStr", order);
        g.put("vertexInputs", inputs);
        g.put("vertices", vertices);
        return g;
    }

    /** Writes atomically; legacyBuffers selects the ND4J 0.x array variant. */
    public static void write(MultiLayerNetwork net, Path file, boolean legacyBuffers) throws IOException {
        AtomicFiles.write(file, out -> write(net, out, legacyBuffers));
    }

    public static void write(MultiLayerNetwork net, OutputStream stream, boolean legacyBuffers) throws IOException {
        ComputationGraph graph = net.asComputationGraph();
        Map<String, Object> g = Dl4jZipExporter.configurationJson(graph.getConfiguration());
        Map<String, Object> vertices = cast(g.get("vertices"));
        List<Object> confs = new ArrayList<>();
        Map<String, Object> pre = new LinkedHashMap<>();
        List<String> names = net.getLayerNames();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> v = cast(vertices.get(names.get(i)));
            Map<String, Object> c = new LinkedHashMap<>(cast(v.get("layerConf")));
            c.put("cacheMode", "NONE");
            c.put("dataType", graph.getDataType().name());
            c.put("epochCount", g.get("epochCount"));
            c.put("iterationCount", g.get("iterationCount"));
            c.put("maxNumLineSearchIterations", 5);
            c.put("miniBatch", true);
            c.put("minimize", true);
            c.put("optimizationAlgo", "STOCHASTIC_GRADIENT_DESCENT");
            c.put("stepFunction", null);
            confs.add(c);
            if (v.get("preProcessor") != null) pre.put(String.valueOf(i), v.get("preProcessor"));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("backpropType", "Standard");
        root.put("cacheMode", "NONE");
        root.put("confs", confs);
        root.put("dataType", graph.getDataType().name());
        root.put("epochCount", g.get("epochCount"));
        root.put("inferenceWorkspaceMode", "ENABLED");
        root.put("inputPreProcessors", pre);
        root.put("iterationCount", g.get("iterationCount"));
        root.put("tbpttBackLength", 20);
        root.put("tbpttFwdLength", 20);
        root.put("trainingWorkspaceMode", "ENABLED");
        root.put("validateOutputLayerConfig", true);
        String graphJson = Json.write(g);
        Dl4jZipExporter.writeZip(Json.write(root), Dl4jZipExporter.flatParams(graph, graphJson), legacyBuffers, stream);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) { return (T) o; }
}
