package org.pydl4j.zoo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.graph.ComputationGraph;

/**
 * Named parameters of a graph in DL4J's paramTable naming, {@code <vertex>_<param>} (e.g. {@code fc1_W},
 * {@code stem_bn_gamma}): the one naming every weight file we import or write uses.
 */
public final class ParamTables {
    private ParamTables() {}

    /** All parameters of the graph by name, in layer order (live views). */
    public static Map<String, INDArray> extract(ComputationGraph graph) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Layer l : graph.getLayers()) {
            for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) out.put(l.getName() + "_" + e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * Equal shapes, or equal once size-1 dimensions are dropped: files written by other tools keep biases and
     * batch-norm vectors as [n] where the engine holds DL4J's [1, n] rows; the values line up the same way.
     */
    static boolean sameLayout(long[] a, long[] b) {
        return Arrays.equals(a, b) || Arrays.equals(squeeze(a), squeeze(b));
    }

    private static long[] squeeze(long[] shape) { return Arrays.stream(shape).filter(d -> d != 1).toArray(); }

    /**
     * Copies every tensor into the graph. All problems are collected first and reported together — missing,
     * unexpected and mis-shaped tensors by name — and nothing is copied unless all match.
     */
    public static void apply(ComputationGraph graph, Map<String, INDArray> tensors, String source) {
        Map<String, INDArray> params = extract(graph);
        List<String> missing = new ArrayList<>(), misShaped = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray t = tensors.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!sameLayout(t.shape(), e.getValue().shape())) {
                misShaped.add(e.getKey() + " " + Arrays.toString(t.shape()) + " (expected " + Arrays.toString(e.getValue().shape()) + ")");
            }
        }
        Set<String> unexpected = new LinkedHashSet<>(tensors.keySet());
        unexpected.removeAll(params.keySet());
        if (!missing.isEmpty() || !misShaped.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb = new StringBuilder("weights in " + source + " do not fit the graph:");
            if (!missing.isEmpty()) sb.append("\n  missing: ").append(String.join(", ", missing));
            if (!unexpected.isEmpty()) sb.append("\n  unexpected: ").append(String.join(", ", unexpected));
            if (!misShaped.isEmpty()) sb.append("\n  mis-shaped: ").append(String.join(", ", misShaped));
            throw new IllegalArgumentException(sb.toString());
        }
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray t = tensors.get(e.getKey());
            e.getValue().assign(t.dataType() == e.getValue().dataType() ? t : t.castTo(e.getValue().dataType()));
        }
    }
}
