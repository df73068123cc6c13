package org.pydl4j.util.serde;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.graph.ComputationGraph;

/**
 * Restores a ComputationGraph from a model zip written by DL4J's own ModelSerializer: {@code configuration.json}
 * (DL4J's ComputationGraphConfiguration, translated by {@link Dl4jConfigReader}) and {@code coefficients.bin} (one
 * ND4J array holding all parameters, mapped by {@link Dl4jParams}). DL4J's {@code updaterState.bin} is not read:
 * its layout follows DL4J's updater blocks, so an imported graph starts training with fresh updater state.
 */
public final class Dl4jZipImporter {
    private Dl4jZipImporter() {}

    /** Restores from an open zip; source names the file in errors. */
    public static ComputationGraph restore(ZipFile zip, String source) throws IOException {
        return restore(ModelZips.readText(zip, "configuration.json", source), zip, source);
    }

    /** Restores from DL4J graph configuration JSON and the zip's coefficients.bin. */
    static ComputationGraph restore(String json, ZipFile zip, String source) throws IOException {
        Dl4jGraph g;
        try {
            g = Dl4jConfigReader.read(json, source);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source)) throw e;
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        ComputationGraphConfiguration conf;
        try {
            conf = toConfiguration(g);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(source + ": the DL4J configuration cannot be built: " + e.getMessage(), e);
        }
        long total = 0;
        java.util.List<String> order = g.dl4jTopologicalOrder();
        for (String name : order) {
            Dl4jGraph.Vertex v = g.vertices.get(name);
            if (v != null && v.isLayer()) total += Dl4jParams.numParams(v);
        }
        ZipEntry coef = zip.getEntry("coefficients.bin");
        if (coef == null) {
            if (total == 0 && zip.getEntry("noParams.marker") != null) {
                ComputationGraph graph = new ComputationGraph(conf);
                graph.init();
                return graph;
            }
            throw new IOException(source + ": no coefficients.bin in the DL4J model zip (entries: " + ModelZips.entryNames(zip) + ")");
        }
        INDArray flat;
        try (InputStream in = ModelZips.entryStream(zip, coef, source)) {
            flat = Nd4jBinary.read(new java.io.BufferedInputStream(in, 1 << 16), source + ":coefficients.bin", total, total);
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(source) ? e : new IOException(source + ":coefficients.bin: " + e.getMessage(), e);
        }
        long ours = 0;
        for (org.pydl4j.nn.conf.graph.GraphVertex gv : conf.getVertices().values()) ours += gv.numParams();
        // parameters start as zeros (no random initialisation of a graph whose values are all overwritten); the
        // count can differ from DL4J's (batch norm with lockGammaBeta has gamma and beta here)
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init(org.pydl4j.nd.Nd4j.zeros(flat.dataType(), ours), false);
        long off = 0;
        for (String name : order) {
            Dl4jGraph.Vertex v = g.vertices.get(name);
            if (v == null || !v.isLayer()) continue;
            Map<String, INDArray> params = graph.getLayer(name).paramTable();
            Dl4jParams.importLayer(v, flat, off, params);
            off += Dl4jParams.numParams(v);
        }
        FiniteParams.check(graph, source);
        return graph;
    }

    /** Builds this project's configuration with its builders, vertices in the DL4J file's order. */
    static ComputationGraphConfiguration toConfiguration(Dl4jGraph g) {
        NeuralNetConfiguration.Builder nb = new NeuralNetConfiguration.Builder().seed(g.seed);
        if (g.defaultUpdater != null) nb.updater(g.defaultUpdater);
        ComputationGraphConfiguration.GraphBuilder b = nb.graphBuilder();
        b.addInputs(g.networkInputs);
        for (Dl4jGraph.Vertex v : g.vertices.values()) {
            String[] ins = v.inputs.toArray(new String[0]);
            if (v.isLayer()) b.addLayer(v.name, v.layer, v.preProcessor, ins);
            else b.addVertex(v.name, v.vertex, ins);
        }
        b.setOutputs(g.networkOutputs.toArray(new String[0]));
        ComputationGraphConfiguration conf = b.build();
        conf.setIterationCount((int) g.iterationCount);
        conf.setEpochCount((int) g.epochCount);
        return conf;
    }
}
