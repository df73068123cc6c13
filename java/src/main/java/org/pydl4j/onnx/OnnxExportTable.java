package org.pydl4j.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.nn.conf.layers.LayerKinds;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * The ONNX format's registry: one exporter per layer kind ({@link LayerKinds}), one line per built-in kind below;
 * other kinds call {@link #register}. Layouts: conv weights OIHW as ONNX, dense weights [nIn, nOut] (Gemm without
 * transB), bias and batch-norm vectors [1, n] written as [n]. The import side is {@link OnnxImportTable} (by op).
 */
public final class OnnxExportTable {
    private OnnxExportTable() {}

    private static final Map<LayerKind<?>, OnnxLayerExporter> BY_KIND = new LinkedHashMap<>();

    static {
        register(LayerKinds.CONVOLUTION, OnnxExportTable::conv);
        register(LayerKinds.DEPTHWISE_CONVOLUTION, OnnxExportTable::conv);
        register(LayerKinds.GROUPED_CONVOLUTION, OnnxExportTable::conv);
        register(LayerKinds.BATCH_NORMALIZATION, OnnxExportTable::batchNorm);
        register(LayerKinds.ACTIVATION, (g, v, l, in, t, p) -> OnnxActivations.export(g, ((ActivationLayer) l).getActivationSpec(), in, v));
        register(LayerKinds.DENSE, OnnxExportTable::dense);
        register(LayerKinds.OUTPUT, OnnxExportTable::dense);
        register(LayerKinds.SUBSAMPLING, OnnxExportTable::pool);
        register(LayerKinds.GLOBAL_POOLING, OnnxExportTable::globalPool);
        register(LayerKinds.ZERO_PADDING, OnnxExportTable::zeroPad);
        register(LayerKinds.DROPOUT, (g, v, l, in, t, p) -> g.node("Identity", v, List.of(in)));
    }

    /** Registers (or replaces) the ONNX exporter of a layer kind. */
    static synchronized void register(LayerKind<?> kind, OnnxLayerExporter exporter) { BY_KIND.put(kind, exporter); }

    /** The exporter of a layer's kind; null when the kind has no ONNX form. */
    static synchronized OnnxLayerExporter exporter(Layer layer) {
        LayerKind<?> kind = LayerKinds.find(layer.getClass());
        return kind == null || kind.configClass() != layer.getClass() ? null : BY_KIND.get(kind);
    }

    /** Whether a layer configuration class has an ONNX export. */
    public static synchronized boolean supports(Class<? extends Layer> c) {
        LayerKind<?> kind = LayerKinds.find(c);
        return kind != null && kind.configClass() == c && BY_KIND.containsKey(kind);
    }

    private static String conv(OnnxGraphAssembler g, String v, Layer layer, String in, InputType t, Map<String, INDArray> p) {
        ConvolutionLayer c = (ConvolutionLayer) layer;
        InputType.InputTypeConvolutional ct = (InputType.InputTypeConvolutional) t;
        ConvParams cp = c.convParams(ct.getHeight(), ct.getWidth());
        long[] wShape = p.get("W").shape();
        String w = g.floats(v + "_W", p.get("W"), wShape);
        List<String> ins = c.hasBias() ? List.of(in, w, g.floats(v + "_b", p.get("b"), c.getNOut())) : List.of(in, w);
        String pre = g.named("Conv", v, act(c) ? v + "_preact" : v, ins,
                OnnxAttribute.ofInts("kernel_shape", cp.kH, cp.kW), OnnxAttribute.ofInts("strides", cp.sH, cp.sW),
                OnnxAttribute.ofInts("pads", cp.padTop, cp.padLeft, cp.padBottom, cp.padRight),
                OnnxAttribute.ofInts("dilations", cp.dH, cp.dW), OnnxAttribute.ofInt("group", cp.groups));
        return OnnxActivations.exportOrSkip(g, c.getActivationSpec(), pre, v);
    }

    private static boolean act(org.pydl4j.nn.conf.layers.BaseLayer l) {
        return l.getActivationFn() != null && l.getActivationFn() != org.pydl4j.nd.activations.Activation.IDENTITY;
    }

    private static String batchNorm(OnnxGraphAssembler g, String v, Layer layer, String in, InputType t, Map<String, INDArray> p) {
        BatchNormalization b = (BatchNormalization) layer;
        long n = b.getNOut();
        List<String> ins = List.of(in, g.floats(v + "_gamma", p.get("gamma"), n), g.floats(v + "_beta", p.get("beta"), n),
                g.floats(v + "_mean", p.get("mean"), n), g.floats(v + "_var", p.get("var"), n));
        String pre = g.named("BatchNormalization", v, act(b) ? v + "_preact" : v, ins, OnnxAttribute.ofFloat("epsilon", (float) b.getEps()));
        return OnnxActivations.exportOrSkip(g, b.getActivationSpec(), pre, v);
    }

    private static String dense(OnnxGraphAssembler g, String v, Layer layer, String in, InputType t, Map<String, INDArray> p) {
        DenseLayer d = (DenseLayer) layer;
        String w = g.floats(v + "_W", p.get("W"), d.getNIn(), d.getNOut());
        List<String> ins = d.hasBias() ? List.of(in, w, g.floats(v + "_b", p.get("b"), d.getNOut())) : List.of(in, w);
        String pre = g.named("Gemm", v, act(d) ? v + "_preact" : v, ins);
        return OnnxActivations.exportOrSkip(g, d.getActivationSpec(), pre, v);
    }

    private static String pool(OnnxGraphAssembler g, String v, Layer layer, String in, InputType t, Map<String, INDArray> p) {
        SubsamplingLayer s = (SubsamplingLayer) layer;
        InputType.InputTypeConvolutional ct = (InputType.InputTypeConvolutional) t;
        ConvParams cp = s.convParams(ct.getHeight(), ct.getWidth());
        String op;
        switch (s.getPoolingType()) {
            case MAX: op = "MaxPool"; break;
            case AVG: op = "AveragePool"; break;   // our average excludes padding: count_include_pad = 0, ONNX's default
            default: throw new IllegalArgumentException("vertex '" + v + "': pooling " + s.getPoolingType() + " has no ONNX form");
        }
        return g.node(op, v, List.of(in), OnnxAttribute.ofInts("kernel_shape", cp.kH, cp.kW),
                OnnxAttribute.ofInts("strides", cp.sH, cp.sW), OnnxAttribute.ofInts("pads", cp.padTop, cp.padLeft, cp.padBottom, cp.padRight));
    }

    /** Our global pooling yields [N, C]; ONNX's keeps [N, C, 1, 1], so a Flatten (node "&lt;v&gt;_flatten") follows. */
    private static String globalPool(OnnxGraphAssembler g, String v, Layer layer, String in, InputType t, Map<String, INDArray> p) {
        PoolingType type = ((GlobalPoolingLayer) layer).getPoolingType();
        String op = type == PoolingType.AVG ? "GlobalAveragePool" : type == PoolingType.MAX ? "GlobalMaxPool" : null;
        if (op == null) throw new IllegalArgumentException("vertex '" + v + "': global pooling " + type + " has no ONNX form");
        String pooled = g.named(op, v, v + "_4d", List.of(in));
        return g.named("Flatten", v + "_flatten", v, List.of(pooled), OnnxAttribute.ofInt("axis", 1));
    }

    private static String zeroPad(OnnxGraphAssembler g, String v, Layer layer, String in, InputType t, Map<String, INDArray> p) {
        int[] pad = ((ZeroPaddingLayer) layer).getPadding();   // top, bottom, left, right
        String pads = g.ints(v + "_pads", 0, 0, pad[0], pad[2], 0, 0, pad[1], pad[3]);
        return g.node("Pad", v, List.of(in, pads), OnnxAttribute.ofString("mode", "constant"));
    }
}
