package org.pydl4j.onnx;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/**
 * Reads an ONNX CNN into a {@link ComputationGraph} of DL4J layers (named after the ONNX nodes) with its weights,
 * ready for inference or as the base of {@code TransferLearning.GraphBuilder}. Operators map through
 * {@link OnnxImportTable}; one the engine cannot express fails with {@link UnsupportedOnnxOpException} naming the
 * node, the operator and the opset.
 */
public final class OnnxImporter {
    /** Default-domain opsets accepted (the operator semantics mapped here are those of opsets 7 to 22). */
    static final long MIN_OPSET = 7, MAX_OPSET = 22;

    private OnnxImporter() {}

    public static ComputationGraph importGraph(File file) throws IOException {
        return importGraph(OnnxReader.read(file.toPath()), file.toString());
    }

    /** Imports a decoded model; {@code name} (the file) appears in every error. */
    public static ComputationGraph importGraph(OnnxModel model, String name) throws OnnxFormatException {
        long opset = model.opset();
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxFormatException(name, "opset " + opset + " is outside the supported range " + MIN_OPSET + "-" + MAX_OPSET);
        }
        OnnxGraph g = model.graph();
        Map<String, List<OnnxNode>> consumers = new HashMap<>();
        for (OnnxNode n : g.nodes()) for (String in : n.inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        List<OnnxValueInfo> inputs = new ArrayList<>();
        for (OnnxValueInfo in : g.inputs()) if (!g.initializers().containsKey(in.name())) inputs.add(in);
        if (inputs.size() != 1) throw new OnnxFormatException(name, "the graph has " + inputs.size() + " inputs besides initializers; exactly 1 is supported");
        OnnxValueInfo input = inputs.get(0);
        InputType inType = inputType(input, name);
        String inputVertex = input.name().replaceAll("[/:\\s]", "_");
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder()
                .seed(12345).updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).activation(Activation.IDENTITY)
                .graphBuilder().addInputs(inputVertex).setInputTypes(inType);
        OnnxImportContext ctx = new OnnxImportContext(name, opset, builder, consumers);
        ctx.reserve(inputVertex);
        ctx.values.put(input.name(), new OnnxImportContext.Value(inputVertex, inType, false));
        ctx.constants.putAll(g.initializers());
        for (OnnxNode n : g.nodes()) node(ctx, n);
        List<String> outputs = new ArrayList<>();
        for (OnnxValueInfo out : g.outputs()) {
            OnnxImportContext.Value v = ctx.values.get(out.name());
            if (v == null) throw new OnnxFormatException(name, "graph output '" + out.name() + "' is not computed from the input");
            outputs.add(v.vertex());
        }
        if (outputs.isEmpty()) throw new OnnxFormatException(name, "the graph has no outputs");
        try {
            ComputationGraph net = new ComputationGraph(builder.setOutputs(outputs.toArray(new String[0])).build());
            net.init();
            loadParams(net, ctx);
            return net;
        } catch (RuntimeException e) {
            throw new OnnxFormatException(name, "the imported graph is invalid: " + e, e);
        }
    }

    private static void node(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        if (ctx.fused.contains(n)) return;
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            throw new UnsupportedOnnxOpException(ctx.file, n.name(), n.domain() + "." + n.opType(), ctx.opset, "operators of domain '" + n.domain() + "'");
        }
        if (n.outputs().isEmpty()) throw ctx.unsupported(n, "a node without outputs");
        try {
            if (OnnxConstantFolding.fold(ctx, n)) return;
            OnnxNodeImporter imp = OnnxImportTable.OPS.get(n.opType());
            if (imp == null) throw ctx.unsupported(n, "no mapping to a layer (supported: " + new java.util.TreeSet<>(OnnxImportTable.OPS.keySet()) + ")");
            imp.importNode(ctx, n);
        } catch (RuntimeException e) {   // a layer refusing the node's settings (bad strides, sizes...): a bad file
            throw new OnnxFormatException(ctx.file, "node '" + n.name() + "' (" + n.opType() + "): " + e, e);
        }
    }

    private static InputType inputType(OnnxValueInfo in, String file) throws OnnxFormatException {
        long[] d = in.dims();
        if (in.elemType() != OnnxTensor.FLOAT) throw new OnnxFormatException(file, "input '" + in.name() + "' has element type " + in.elemType() + "; float is needed");
        for (int i = 1; i < d.length; i++) {
            if (d[i] <= 0 || d[i] > 1 << 20) {
                throw new OnnxFormatException(file, "input '" + in.name() + "' needs fixed sizes besides the batch, got " + Arrays.toString(d));
            }
        }
        if (d.length == 4) return InputType.convolutional(d[2], d[3], d[1]);
        if (d.length == 2) return InputType.feedForward(d[1]);
        throw new OnnxFormatException(file, "input '" + in.name() + "' must be [N, C, H, W] or [N, features], got " + Arrays.toString(d));
    }

    private static void loadParams(ComputationGraph net, OnnxImportContext ctx) throws OnnxFormatException {
        for (Map.Entry<String, Map<String, OnnxImportContext.Param>> v : ctx.params.entrySet()) {
            for (Map.Entry<String, OnnxImportContext.Param> p : v.getValue().entrySet()) {
                INDArray target = net.getLayer(v.getKey()).getParam(p.getKey());
                long[] shape = p.getValue().shape();
                if (!Arrays.equals(target.shape(), shape)) {
                    throw new OnnxFormatException(ctx.file, "vertex '" + v.getKey() + "' parameter " + p.getKey() + ": shape "
                            + Arrays.toString(shape) + " from the file, the layer has " + Arrays.toString(target.shape()));
                }
                // initializers are finite (OnnxReader); what attributes made of them (Gemm's alpha/beta) must be too
                float[] values = p.getValue().values();
                for (int i = 0; i < values.length; i++) {
                    if (!Float.isFinite(values[i])) {
                        throw new OnnxFormatException(ctx.file, "vertex '" + v.getKey() + "' parameter " + p.getKey() + ": element " + i
                                + " is " + values[i] + " after applying the node's attributes");
                    }
                }
                target.assign(Nd4j.create(values, shape));
            }
        }
    }
}
