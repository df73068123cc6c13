package org.pydl4j.nn.transferlearning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains the unfrozen part of a network on "featurized" data, as DL4J's TransferLearningHelper: the frozen part's
 * output never changes, so it can be computed once per example ({@link #featurize}) and the rest trained on it
 * ({@link #fitFeaturized}), saving the expensive forward pass through the frozen layers on every epoch.
 *
 * <p>The frozen part is every frozen layer and everything upstream of one; the boundary is the set of vertices (or
 * network inputs) of the frozen part that feed the rest. Featurized features are the boundary activations: for
 * the single-boundary case (a feature extractor such as VGG-16's "fc2"), that vertex's output.
 *
 * <p>{@link #unfrozenGraph()} is the network made of the unfrozen part, whose inputs are named after the boundary
 * vertices. It shares its parameters with the original network when the unfrozen layers are consecutive in the
 * original's parameter order (always the case when they all lie downstream of the boundary, as in "replace the
 * head" fine-tuning), so training it trains the original; otherwise it holds a copy that this helper's methods
 * keep in sync in both directions ({@link #isSharingParameters()} tells which).
 */
public class TransferLearningHelper {
    private final ComputationGraph origGraph;
    private final List<String> boundary;
    private final List<String> frozenInputs;
    private final GraphUtil.Cut frozenPart;
    private final GraphUtil.Cut unfrozenPart;

    /** For a graph that already has frozen layers (from {@link TransferLearning.GraphBuilder#setFeatureExtractor}). */
    public TransferLearningHelper(ComputationGraph orig) {
        this.origGraph = orig;
        ComputationGraphConfiguration c = orig.getConfiguration();
        List<String> frozenLayers = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> e : c.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex && ((LayerVertex) e.getValue()).getLayerConf() instanceof FrozenLayer) frozenLayers.add(e.getKey());
        }
        if (frozenLayers.isEmpty()) {
            throw new IllegalArgumentException("TransferLearningHelper: the graph has no frozen layers; freeze some with "
                    + "TransferLearning.GraphBuilder.setFeatureExtractor or use TransferLearningHelper(graph, frozenOutputAt...)");
        }
        Set<String> frozen = GraphUtil.withAncestors(frozenLayers, c.getVertexInputs(), c.getNetworkInputs());
        for (String v : frozen) {
            GraphVertex gv = c.getVertices().get(v);
            if (gv instanceof LayerVertex && !(((LayerVertex) gv).getLayerConf() instanceof FrozenLayer) && gv.numParams() > 0) {
                throw new IllegalArgumentException("TransferLearningHelper: layer '" + v + "' has parameters and is not frozen, but a frozen layer "
                        + "takes its output; freeze it too (setFeatureExtractor freezes everything upstream)");
            }
        }
        for (String out : c.getNetworkOutputs()) {
            if (frozen.contains(out)) throw new IllegalArgumentException("TransferLearningHelper: network output '" + out + "' is frozen: nothing to train");
        }
        List<String> order = c.topologicalOrder();
        Set<String> bnd = new LinkedHashSet<>();
        for (String v : order) {
            if (frozen.contains(v) || c.getNetworkInputs().contains(v)) continue;
            for (String in : c.getVertexInputs().get(v)) if (frozen.contains(in) || c.getNetworkInputs().contains(in)) bnd.add(in);
        }
        List<String> b = new ArrayList<>();
        for (String v : order) if (bnd.contains(v)) b.add(v);
        this.boundary = Collections.unmodifiableList(b);
        List<String> frozenOut = new ArrayList<>();
        for (String v : b) if (frozen.contains(v)) frozenOut.add(v);
        if (frozenOut.isEmpty()) throw new IllegalArgumentException("TransferLearningHelper: the frozen layers " + frozenLayers + " feed nothing that is trained");
        Set<String> fin = new LinkedHashSet<>();
        for (String in : c.getNetworkInputs()) {
            for (String v : frozen) if (c.getVertexInputs().get(v).contains(in)) fin.add(in);
        }
        this.frozenInputs = new ArrayList<>(fin);
        this.frozenPart = GraphUtil.cut(orig, frozen, frozenInputs, frozenOut);
        List<String> rest = new ArrayList<>();
        for (String v : c.getVertices().keySet()) if (!frozen.contains(v)) rest.add(v);
        this.unfrozenPart = GraphUtil.cut(orig, rest, b, c.getNetworkOutputs());
    }

    /**
     * Freezes the given vertices and everything upstream of them. The helper works on a frozen version of the graph
     * that shares the given graph's parameter array, so training through the helper changes the given graph's
     * parameters (the given object itself keeps its configuration: it is not marked frozen).
     */
    public TransferLearningHelper(ComputationGraph orig, String... frozenOutputAt) {
        // no names: the graph's own frozen layers (JPype picks this overload for a one-argument Python call)
        this(frozenOutputAt.length == 0 ? orig
                : new TransferLearning.GraphBuilder(orig).setFeatureExtractor(frozenOutputAt).shareParameters().build());
    }

    /** For a MultiLayerNetwork that already has frozen layers (from {@link TransferLearning.Builder#setFeatureExtractor}). */
    public TransferLearningHelper(MultiLayerNetwork orig) { this(orig.asComputationGraph()); }

    /**
     * Freezes layers 0..frozenTill of a MultiLayerNetwork; training through the helper changes the given network's
     * parameters (its own configuration is not marked frozen).
     */
    public TransferLearningHelper(MultiLayerNetwork orig, int frozenTill) {
        this(orig.asComputationGraph(), frozenLayerName(orig, frozenTill));
    }

    private static String frozenLayerName(MultiLayerNetwork net, int frozenTill) {
        if (frozenTill < 0 || frozenTill >= net.getnLayers()) {
            throw new IllegalArgumentException("TransferLearningHelper: frozenTill " + frozenTill + " out of range: the network has " + net.getnLayers() + " layers");
        }
        return net.getLayerNames().get(frozenTill);
    }

    private MultiLayerNetwork unfrozenMln;

    /** The unfrozen part as a MultiLayerNetwork (for a helper made from one); it shares the unfrozen graph's parameters. */
    public MultiLayerNetwork unfrozenMLN() {
        ComputationGraph g = unfrozenGraph();
        if (unfrozenMln == null) unfrozenMln = new MultiLayerNetwork(new MultiLayerConfiguration(g.getConfiguration()), g.paramsView());
        return unfrozenMln;
    }

    /** The network the helper works on (with its frozen layers). */
    public ComputationGraph getGraph() { return origGraph; }

    /** Names of the boundary vertices (or network inputs) whose activations are the featurized features, in order. */
    public List<String> getBoundary() { return boundary; }

    /** The network made of the unfrozen part; its inputs are named after the boundary vertices. */
    public ComputationGraph unfrozenGraph() {
        pull();
        return unfrozenPart.graph;
    }

    /** Whether {@link #unfrozenGraph()} shares its parameters with the original network (otherwise: a synchronized copy). */
    public boolean isSharingParameters() { return unfrozenPart.shared; }

    /** The network made of the frozen part (inputs: the network inputs it reads; outputs: the boundary vertices it holds). */
    ComputationGraph frozenGraph() { return frozenPart.graph; }

    private void pull() {
        if (!unfrozenPart.shared) GraphUtil.copyParams(origGraph, unfrozenPart.graph, unfrozenPart.layers);
    }

    private void push() {
        if (!unfrozenPart.shared) GraphUtil.copyParams(unfrozenPart.graph, origGraph, unfrozenPart.layers);
        origGraph.setIterationCount(unfrozenPart.graph.getIterationCount());
        origGraph.setEpochCount(unfrozenPart.graph.getEpochCount());
    }

    /** Boundary activations (inference mode) for the network inputs, one array per boundary vertex. */
    public INDArray[] featurize(INDArray... input) {
        List<String> netIn = origGraph.getConfiguration().getNetworkInputs();
        if (input == null || input.length != netIn.size()) {
            throw new IllegalArgumentException("featurize: the network has " + netIn.size() + " inputs " + netIn + ", got "
                    + (input == null ? 0 : input.length) + " arrays");
        }
        INDArray[] fin = new INDArray[frozenInputs.size()];
        for (int i = 0; i < fin.length; i++) fin[i] = input[netIn.indexOf(frozenInputs.get(i))];
        INDArray[] fout = frozenPart.graph.output(false, fin);
        List<String> frozenOut = frozenPart.graph.getConfiguration().getNetworkOutputs();
        INDArray[] out = new INDArray[boundary.size()];
        for (int i = 0; i < out.length; i++) {
            String b = boundary.get(i);
            int k = frozenOut.indexOf(b);
            out[i] = k >= 0 ? fout[k] : input[netIn.indexOf(b)];
        }
        return out;
    }

    /** A DataSet whose features are the boundary activations of the given features, with the same labels. */
    public DataSet featurize(DataSet input) {
        requireSingleBoundary("featurize(DataSet)");
        return new DataSet(featurize(new INDArray[]{input.getFeatures()})[0], input.getLabels());
    }

    /** One training step of the unfrozen part on featurized data. */
    public void fitFeaturized(DataSet featurized) {
        requireSingleBoundary("fitFeaturized(DataSet)");
        pull();
        unfrozenPart.graph.fit(featurized);
        push();
    }

    /** One training step of the unfrozen part on featurized arrays (one per boundary vertex) and labels. */
    public void fitFeaturized(INDArray[] featurized, INDArray[] labels) {
        pull();
        unfrozenPart.graph.fit(featurized, labels);
        push();
    }

    /** One epoch of the unfrozen part over an iterator of featurized data sets. */
    public void fitFeaturized(DataSetIterator featurized) {
        requireSingleBoundary("fitFeaturized(DataSetIterator)");
        pull();
        unfrozenPart.graph.fit(featurized);
        push();
    }

    /** The network output (inference mode) for featurized features of a single-boundary, single-output network. */
    public INDArray outputFromFeaturized(INDArray featurized) {
        requireSingleBoundary("outputFromFeaturized(INDArray)");
        pull();
        return unfrozenPart.graph.outputSingle(false, featurized);
    }

    /** The network outputs (inference mode) for featurized arrays, one per boundary vertex. */
    public INDArray[] outputFromFeaturized(INDArray[] featurized) {
        pull();
        return unfrozenPart.graph.output(false, featurized);
    }

    private void requireSingleBoundary(String what) {
        if (boundary.size() != 1) {
            throw new IllegalArgumentException(what + ": the frozen part meets the rest of the network at " + boundary.size()
                    + " vertices " + boundary + "; use the INDArray[] methods");
        }
    }
}
