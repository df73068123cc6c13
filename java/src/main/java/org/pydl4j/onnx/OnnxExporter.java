package org.pydl4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.graph.ChannelScaleVertex;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.zoo.ModelSpec;

/**
 * Writes a {@link ComputationGraph} (or a {@link MultiLayerNetwork}) as an ONNX model (opset 17): inputs and outputs named as the graph's, the batch
 * dimension symbolic ("N"), one tensor per vertex named as the vertex, and the preprocessing the model expects in
 * metadata_props. Layers map through {@link OnnxExportTable} (keyed by layer kind); a kind without an exporter
 * (or a subclass without a kind of its own) fails naming the vertex.
 */
public final class OnnxExporter {
    public static final long OPSET = 17, IR_VERSION = 8;
    /** metadata_props key describing the input preprocessing. */
    public static final String META_PREPROCESSING = "preprocessing";

    private OnnxExporter() {}

    /** Exports with the given metadata (e.g. {@link #preprocessing(ModelSpec)}); written atomically. */
    public static void export(ComputationGraph net, Path target, Map<String, String> metadata) throws IOException {
        OnnxWriter.write(toModel(net, metadata), target);
    }

    public static void export(ComputationGraph net, Path target) throws IOException { export(net, target, Map.of()); }

    /** A MultiLayerNetwork exports as the linear graph it runs on (vertices named as its layers). */
    public static void export(MultiLayerNetwork net, Path target, Map<String, String> metadata) throws IOException {
        export(net.asComputationGraph(), target, metadata);
    }

    public static void export(MultiLayerNetwork net, Path target) throws IOException { export(net, target, Map.of()); }

    /** The preprocessing of a zoo model's table, as stored in metadata_props. */
    public static Map<String, String> preprocessing(ModelSpec spec) {
        String text = "input NCHW float32 RGB, pixels in [0, 255], resized (" + spec.resize + ") to "
                + spec.inputShape[1] + "x" + spec.inputShape[2] + ", then (x - mean) / std per channel; mean="
                + Arrays.toString(spec.mean) + " std=" + Arrays.toString(spec.std);
        Map<String, String> m = new LinkedHashMap<>();
        m.put(META_PREPROCESSING, text);
        m.put("mean", Arrays.toString(spec.mean));
        m.put("std", Arrays.toString(spec.std));
        m.put("model", spec.name);
        return m;
    }

    public static OnnxModel toModel(ComputationGraph net, Map<String, String> metadata) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        Map<String, InputType> types = conf.getActivationTypes();
        if (types.isEmpty()) throw new IllegalArgumentException("ONNX export needs the graph's input types (setInputTypes)");
        OnnxGraphAssembler g = new OnnxGraphAssembler();
        Map<String, String> tensorOf = new LinkedHashMap<>();
        List<OnnxValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (String in : conf.getNetworkInputs()) {
            g.unique(in);
            tensorOf.put(in, in);
            inputs.add(OnnxValueInfo.batched(in, nonBatch(types.get(in))));
        }
        Map<String, INDArray> params = net.paramTable();
        for (String name : conf.topologicalOrder()) {
            if (tensorOf.containsKey(name)) continue;
            List<String> ins = conf.getVertexInputs().get(name);
            List<String> inTensors = new ArrayList<>();
            for (String i : ins) inTensors.add(tensorOf.get(i));
            tensorOf.put(name, vertex(g, name, conf.getVertices().get(name), inTensors, types.get(ins.get(0)), layerParams(params, name)));
        }
        for (String out : conf.getNetworkOutputs()) {
            String t = tensorOf.get(out);
            if (!t.equals(out)) t = g.node("Identity", out, List.of(t));
            outputs.add(OnnxValueInfo.batched(out, nonBatch(types.get(out))));
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("framework", "pydl4j-transfer");
        OnnxGraph graph = new OnnxGraph("pydl4j", g.nodes, g.initializers, inputs, outputs);
        return new OnnxModel(IR_VERSION, Map.of("", OPSET), "pydl4j-transfer", "0.1.0", graph, meta);
    }

    private static String vertex(OnnxGraphAssembler g, String name, GraphVertex v, List<String> in, InputType inType,
                                 Map<String, INDArray> params) {
        g.unique(name);
        if (v instanceof LayerVertex) {
            LayerVertex lv = (LayerVertex) v;
            String x = in.get(0);
            InputType t = inType;
            if (lv.getPreProcessor() != null) {
                x = preprocessor(g, name + "_pre", lv.getPreProcessor(), x, name);
                t = lv.getPreProcessor().getOutputType(t);
            }
            Layer l = lv.getLayerConf();
            if (l instanceof FrozenLayer) l = ((FrozenLayer) l).getLayer();
            OnnxLayerExporter e = OnnxExportTable.exporter(l);
            if (e == null) throw new IllegalArgumentException("vertex '" + name + "': layer " + l.getClass().getSimpleName() + " has no ONNX export");
            return e.export(g, name, l, x, t, params);
        }
        if (v instanceof PreprocessorVertex) return preprocessor(g, name, ((PreprocessorVertex) v).getPreProcessor(), in.get(0), name);
        if (v instanceof MergeVertex) return g.node("Concat", name, in, OnnxAttribute.ofInt("axis", 1));
        if (v instanceof ElementWiseVertex) return elementWise(g, name, ((ElementWiseVertex) v).getOp(), in);
        if (v instanceof ChannelScaleVertex) {   // [N, C] factors -> [N, C, 1, 1], broadcast over H and W
            String gate = g.named("Unsqueeze", name + "_unsqueeze", g.unique(name + "_gate"), List.of(in.get(1), g.ints(name + "_axes", 2, 3)));
            return g.node("Mul", name, List.of(in.get(0), gate));
        }
        throw new IllegalArgumentException("vertex '" + name + "': " + v + " has no ONNX export");
    }

    private static String elementWise(OnnxGraphAssembler g, String name, ElementWiseVertex.Op op, List<String> in) {
        if (in.size() == 1) return g.node("Identity", name, in);
        switch (op) {
            case Add: return g.node("Sum", name, in);
            case Subtract: return g.node("Sub", name, in);
            case Max: return g.node("Max", name, in);
            case Average: return g.node("Mean", name, in);
            case Product: {
                String acc = in.get(0);
                for (int i = 1; i < in.size(); i++) acc = g.node("Mul", i == in.size() - 1 ? name : name + "_" + i, List.of(acc, in.get(i)));
                return acc;
            }
            default: throw new IllegalArgumentException("vertex '" + name + "': ElementWiseVertex " + op + " has no ONNX export");
        }
    }

    private static String preprocessor(OnnxGraphAssembler g, String out, InputPreProcessor p, String in, String vertex) {
        if (p instanceof CnnToFeedForwardPreProcessor) return g.node("Flatten", out, List.of(in), OnnxAttribute.ofInt("axis", 1));
        if (p instanceof FeedForwardToCnnPreProcessor) {   // flat rows [N, C*H*W] -> [N, C, H, W] (C order)
            FeedForwardToCnnPreProcessor f = (FeedForwardToCnnPreProcessor) p;
            String shape = g.ints(out + "_shape", -1, f.getNumChannels(), f.getInputHeight(), f.getInputWidth());
            return g.node("Reshape", out, List.of(in, shape));
        }
        throw new IllegalArgumentException("vertex '" + vertex + "': preprocessor " + p + " has no ONNX export");
    }

    private static Map<String, INDArray> layerParams(Map<String, INDArray> all, String vertex) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        String prefix = vertex + "_";
        for (Map.Entry<String, INDArray> e : all.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(prefix) && k.indexOf('_', prefix.length()) < 0) m.put(k.substring(prefix.length()), e.getValue());
        }
        return m;
    }

    private static long[] nonBatch(InputType t) {
        long[] s = t.getShape(1);
        return Arrays.copyOfRange(s, 1, s.length);
    }
}
