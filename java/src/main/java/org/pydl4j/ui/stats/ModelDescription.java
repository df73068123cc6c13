package org.pydl4j.ui.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.graph.VertexSummary;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;

/**
 * The model as the UI's model table shows it: one row per vertex (name, type, sizes, output shape, parameters,
 * frozen or trainable) and the totals, as a JSON object tree (from {@link ComputationGraph#vertexSummaries()}).
 */
public final class ModelDescription {
    private ModelDescription() {}

    /** The description of a ComputationGraph or MultiLayerNetwork; null for any other model (a single layer). */
    public static Map<String, Object> of(Object model) {
        ComputationGraph graph = model instanceof ComputationGraph ? (ComputationGraph) model
                : model instanceof MultiLayerNetwork ? ((MultiLayerNetwork) model).asComputationGraph() : null;
        return graph == null ? null : of(graph);
    }

    public static Map<String, Object> of(ComputationGraph graph) {
        List<Object> rows = new ArrayList<>();
        long trainable = 0, frozen = 0, fixed = 0;
        for (VertexSummary v : graph.vertexSummaries()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", v.name());
            row.put("type", v.type());
            row.put("sizes", v.sizes());
            row.put("output", v.output());
            row.put("params", v.params());
            row.put("trainableParams", v.trainableParams());
            row.put("frozen", v.frozen());
            rows.add(row);
            trainable += v.trainableParams();
            frozen += v.frozenParams();
            fixed += v.fixedParams();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("layers", rows);
        out.put("totalParams", trainable + frozen + fixed);
        out.put("trainableParams", trainable);
        out.put("frozenParams", frozen);
        out.put("fixedParams", fixed);
        return out;
    }
}
