package org.pydl4j.nn.transferlearning;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.NDArrayIndex;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.graph.ComputationGraph;

/** Graph surgery shared by {@link TransferLearning} and {@link TransferLearningHelper}. */
final class GraphUtil {
    private GraphUtil() {}

    /** Names listed in errors when there are few of them; otherwise the count and the names that look alike. */
    static String describeNames(String asked, Collection<String> names) {
        if (names.size() <= 40) return "vertices: " + names;
        List<String> like = new ArrayList<>();
        String a = asked == null ? "" : asked.toLowerCase();
        String prefix = a.length() > 4 ? a.substring(0, 4) : a;
        for (String n : names) {
            String l = n.toLowerCase();
            if (!prefix.isEmpty() && (l.startsWith(prefix) || l.contains(a) || a.contains(l))) like.add(n);
            if (like.size() == 10) break;
        }
        return names.size() + " vertices" + (like.isEmpty() ? "" : ", similar names: " + like);
    }

    /** The given vertices and everything upstream of them (network inputs excluded). */
    static Set<String> withAncestors(Collection<String> start, Map<String, List<String>> vertexInputs, Collection<String> networkInputs) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(start);
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (networkInputs.contains(v) || !out.add(v)) continue;
            List<String> ins = vertexInputs.get(v);
            if (ins != null) todo.addAll(ins);
        }
        return out;
    }

    /**
     * The frozen set grown by the non-layer vertices (element-wise, merge, preprocessor) that read only frozen
     * vertices: they compute a fixed function of frozen activations, so they belong to the frozen part. Without this a
     * feature extractor set at a residual add ({@code blocks_5_3_add}) would meet the trained part at the add's two
     * inputs instead of at the add. Layers are never added (a parameter-free layer such as dropout may be random in
     * training), nor network outputs.
     */
    static Set<String> withFixedVertices(Set<String> frozen, ComputationGraphConfiguration conf) {
        Set<String> out = new LinkedHashSet<>(frozen);
        for (String v : conf.topologicalOrder()) {
            GraphVertex gv = conf.getVertices().get(v);
            if (gv == null || gv instanceof LayerVertex || out.contains(v) || conf.getNetworkOutputs().contains(v)) continue;
            List<String> ins = conf.getVertexInputs().get(v);
            if (ins != null && !ins.isEmpty() && out.containsAll(ins)) out.add(v);
        }
        return out;
    }

    /** Layer vertex names of a configuration in the order of its parameters (topological order). */
    static List<String> layerOrder(ComputationGraphConfiguration conf) {
        List<String> out = new ArrayList<>();
        for (String n : conf.topologicalOrder()) if (conf.getVertices().get(n) instanceof LayerVertex) out.add(n);
        return out;
    }

    static long numParams(ComputationGraphConfiguration conf) {
        long n = 0;
        for (GraphVertex v : conf.getVertices().values()) n += v.numParams();
        return n;
    }

    /**
     * Where the layers (in this order) lie in the flat parameter array of a graph: {offset, length} when they are
     * consecutive there in the same order, else null.
     */
    static long[] contiguousRange(ComputationGraph graph, List<String> layers) {
        Layer[] all = graph.getLayers();
        long off = 0;
        int first = -1;
        for (int i = 0; i < all.length; i++) {
            if (!layers.isEmpty() && all[i].getName().equals(layers.get(0))) { first = i; break; }
            off += all[i].layerConf().numParams();
        }
        if (layers.isEmpty()) return new long[]{0, 0};
        if (first < 0 || first + layers.size() > all.length) return null;
        long len = 0;
        for (int k = 0; k < layers.size(); k++) {
            if (!all[first + k].getName().equals(layers.get(k))) return null;
            len += all[first + k].layerConf().numParams();
        }
        return new long[]{off, len};
    }

    /** Copies every parameter of the named layers from one graph into another (same shapes). */
    static void copyParams(ComputationGraph from, ComputationGraph to, Collection<String> layers) {
        for (String name : layers) {
            Map<String, INDArray> src = from.getLayer(name).paramTable();
            Map<String, INDArray> dst = to.getLayer(name).paramTable();
            for (Map.Entry<String, INDArray> e : dst.entrySet()) {
                INDArray s = src.get(e.getKey());
                if (s == null || !Arrays.equals(s.shape(), e.getValue().shape())) {
                    throw new IllegalArgumentException("layer '" + name + "': parameter '" + e.getKey() + "' has shape "
                            + Arrays.toString(e.getValue().shape()) + " here but " + (s == null ? "does not exist" : Arrays.toString(s.shape()))
                            + " in the source network");
                }
                e.getValue().assign(s);
            }
        }
    }

    /** Initializes one layer's parameters (its weight init, bias init, batch norm defaults) from a seeded generator. */
    static void initLayer(Layer layer, long seed) {
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + layer.getName().hashCode() * 0xBF58476D1CE4E5B9L + 17);
        layer.layerConf().initializeParams(new LinkedHashMap<>(layer.paramTable()), rng);
    }

    /** A sub-network and whether its parameters are shared with the network it was cut from. */
    static final class Cut {
        final ComputationGraph graph;
        final boolean shared;
        final List<String> layers;

        Cut(ComputationGraph graph, boolean shared, List<String> layers) {
            this.graph = graph; this.shared = shared; this.layers = layers;
        }
    }

    /**
     * The part of an initialized graph made of the given vertices, with the given network inputs (network inputs or
     * vertices of the original whose activations are fed in) and outputs. Layer configurations, defaults and
     * counters are those of the original. Parameters are shared with the original when the part's layers are
     * consecutive in the original's parameter array in the same order; otherwise they are copied.
     */
    static Cut cut(ComputationGraph orig, Collection<String> keep, List<String> inputs, List<String> outputs) {
        ComputationGraphConfiguration oc = orig.getConfiguration();
        ComputationGraphConfiguration.GraphBuilder b = new ComputationGraphConfiguration.GraphBuilder(oc,
                FineTuneConfiguration.builderOf(oc.getDefaultConfiguration()));
        for (String v : new ArrayList<>(b.getVertices().keySet())) if (!keep.contains(v)) b.removeVertex(v, false);
        b.getNetworkInputs().clear();
        b.addInputs(inputs);
        Map<String, InputType> types = oc.getActivationTypes();
        if (!types.isEmpty()) {
            InputType[] t = new InputType[inputs.size()];
            for (int i = 0; i < t.length; i++) t[i] = types.get(inputs.get(i));
            b.setInputTypes(t);
        } else {
            b.setInputTypes();
        }
        b.setOutputs(outputs.toArray(new String[0]));
        ComputationGraphConfiguration c = b.build();
        c.setIterationCount(oc.getIterationCount());
        c.setEpochCount(oc.getEpochCount());
        List<String> layers = layerOrder(c);
        ComputationGraph g = new ComputationGraph(c);
        long[] range = contiguousRange(orig, layers);
        if (range != null && range[1] > 0 && orig.getDataType() != null) {
            g.init(orig.paramsView().get(NDArrayIndex.interval(range[0], range[0] + range[1])), false);
            return new Cut(g, true, layers);
        }
        long n = numParams(c);
        g.init(n == 0 ? null : Nd4j.zeros(orig.getDataType(), n), false);
        copyParams(orig, g, layers);
        return new Cut(g, range != null, layers);
    }
}
