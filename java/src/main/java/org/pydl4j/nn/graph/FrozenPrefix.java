package org.pydl4j.nn.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.graph.vertex.GraphVertex;

/**
 * The frozen part of a training pass run as an inference pass: the vertices no backward step visits that are
 * frozen layers, or vertices without a training mode (additions, merges, scalings, preprocessors), fed only by
 * network inputs and each other, network outputs excepted. Frozen layers run in inference mode anyway (FrozenLayer), so this is the same
 * computation; through {@link InferenceFusion} it runs as compiled segments (batch norms folded into convolutions,
 * activations fused, the batch in slices) instead of layer by layer, and keeps nothing but what the trained part
 * reads. With the last blocks of EfficientNet-Lite0 trained, this is nearly the whole forward pass. Only when
 * {@link InferenceFusion#enabled} and no listener watches the pass (listeners see every activation).
 */
final class FrozenPrefix {
    private final Set<String> members;
    private final List<String> outputs;
    private final InferenceFusion fusion;

    private FrozenPrefix(Set<String> members, List<String> outputs, InferenceFusion fusion) {
        this.members = members;
        this.outputs = outputs;
        this.fusion = fusion;
    }

    /**
     * The prefix of the graph for this pass (reach: whether the backward pass visits each vertex), or null when it
     * holds no compiled segment (nothing to gain over the layer-by-layer pass).
     */
    static FrozenPrefix plan(ComputationGraphConfiguration conf, List<String> order, Map<String, GraphVertex> vertices,
                             Map<String, Boolean> reach, int[] inputRanks) {
        Set<String> members = new HashSet<>();
        List<String> memberOrder = new ArrayList<>();
        for (String name : order) {
            GraphVertex v = vertices.get(name);
            if (v.isInputVertex() || reach.get(name)) continue;
            if (v.hasLayer() && !v.isFrozen()) continue;   // a trainable layer's training mode (dropout, batch statistics)
            if (conf.getNetworkOutputs().contains(name)) continue;   // scoring reads the output layer's own state
            boolean fed = true;
            for (String src : conf.getVertexInputs().get(name)) fed &= members.contains(src) || vertices.get(src).isInputVertex();
            if (!fed) continue;
            members.add(name);
            memberOrder.add(name);
        }
        if (members.isEmpty()) return null;
        List<String> outputs = new ArrayList<>();
        for (String name : memberOrder) {
            boolean read = false;
            for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
                if (!members.contains(e.getKey()) && e.getValue().contains(name)) read = true;
            }
            if (read) outputs.add(name);
        }
        ComputationGraphConfiguration sub = new ComputationGraphConfiguration();
        sub.getNetworkInputs().addAll(conf.getNetworkInputs());
        sub.getNetworkOutputs().addAll(outputs);
        List<String> subOrder = new ArrayList<>(conf.getNetworkInputs());
        Map<String, GraphVertex> subVertices = new LinkedHashMap<>();
        for (String in : conf.getNetworkInputs()) subVertices.put(in, vertices.get(in));
        for (String name : memberOrder) {
            sub.getVertices().put(name, conf.getVertices().get(name));
            sub.getVertexInputs().put(name, conf.getVertexInputs().get(name));
            subVertices.put(name, vertices.get(name));
            subOrder.add(name);
        }
        InferenceFusion f = InferenceFusion.plan(sub, subOrder, subVertices, inputRanks);
        if (f.segments() == 0) {
            f.close();
            return null;
        }
        return new FrozenPrefix(Collections.unmodifiableSet(members), List.copyOf(outputs), f);
    }

    /** The vertices run here (the layer-by-layer pass skips them). */
    Set<String> members() { return members; }

    /** The activations the rest of the pass reads (by vertex name), for the prepared network inputs. */
    Map<String, INDArray> run(INDArray[] in) { return fusion.run(in); }

    /** Vertices whose activation {@link #run} returns. */
    List<String> outputs() { return outputs; }

    void close() { fusion.close(); }

    @Override
    public String toString() { return "FrozenPrefix" + outputs + " " + fusion; }
}
