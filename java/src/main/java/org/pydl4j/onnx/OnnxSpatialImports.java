package org.pydl4j.onnx;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.GroupedConvolution2D;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * Imports of the spatial operators: Conv (plain and depthwise), BatchNormalization, MaxPool/AveragePool,
 * GlobalAveragePool/GlobalMaxPool and Pad. ONNX pads [top, left, bottom, right] become our symmetric padding
 * (Truncate), TF-SAME (ConvolutionMode.Same), or a ZeroPaddingLayer in front of a convolution.
 */
final class OnnxSpatialImports {
    private OnnxSpatialImports() {}

    static void conv(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        if (x.squeezed()) {   // a 1x1 convolution of pooled [N, C, 1, 1] features (squeeze-excitation): a dense layer
            pooledConv(ctx, n, x);
            return;
        }
        InputType.InputTypeConvolutional t = ctx.cnn(n, x);
        OnnxTensor w = ctx.constant(n, 1);
        if (w.dims().length != 4) throw ctx.unsupported(n, "only 2-d convolutions (4-d weights) are supported, got weights " + java.util.Arrays.toString(w.dims()));
        long group = n.intAttr("group", 1), cin = t.getChannels(), cout = w.dims()[0];
        int kH = (int) w.dims()[2], kW = (int) w.dims()[3];
        int[] s = two(ctx, n, "strides"), d = two(ctx, n, "dilations");
        boolean depthwise = group == cin && w.dims()[1] == 1 && group > 1;
        if (group < 1 || cin % group != 0 || cout % group != 0 || w.dims()[1] * group != cin) {
            throw ctx.unsupported(n, "group=" + group + " with weights " + java.util.Arrays.toString(w.dims()) + " over " + cin + " input channels");
        }
        if (depthwise && cout % cin != 0) throw ctx.unsupported(n, "depthwise output channels " + cout + " are not a multiple of " + cin);
        String name = ctx.vertexName(n, "");
        int[] pads = pads(ctx, n, t, kH, kW, s, d);
        ConvolutionLayer.BaseConvBuilder<?> b = depthwise
                ? new DepthwiseConvolution2D.Builder(kH, kW).depthMultiplier((int) (cout / cin))
                : group > 1 ? new GroupedConvolution2D.Builder(kH, kW).groups((int) group) : new ConvolutionLayer.Builder(kH, kW);
        b.stride(s).dilation(d).nOut(cout).activation(Activation.IDENTITY).hasBias(!n.input(2).isEmpty());
        if (pads[0] == pads[2] && pads[1] == pads[3]) {
            b.padding(pads[0], pads[1]).convolutionMode(ConvolutionMode.Truncate);
        } else if (isSame(pads, t, kH, kW, s, d)) {
            b.convolutionMode(ConvolutionMode.Same);
        } else {
            x = ctx.layer(ctx.vertexName(n, "_pad"), new ZeroPaddingLayer.Builder(pads[0], pads[2], pads[1], pads[3]).build(), x);
            b.padding(0, 0).convolutionMode(ConvolutionMode.Truncate);
        }
        ctx.output(n, ctx.layer(name, depthwise ? ((DepthwiseConvolution2D.Builder) b).build()
                : group > 1 ? ((GroupedConvolution2D.Builder) b).build() : ((ConvolutionLayer.Builder) b).build(), x));
        ctx.param(name, "W", w.asFloats(), w.dims());
        if (!n.input(2).isEmpty()) ctx.param(name, "b", vector(ctx, n, 2, cout), 1, cout);
    }

    private static void pooledConv(OnnxImportContext ctx, OnnxNode n, OnnxImportContext.Value x) throws OnnxFormatException {
        OnnxTensor w = ctx.constant(n, 1);
        long[] d = w.dims();
        long cin = x.type().arrayElementsPerExample();
        if (d.length != 4 || d[2] != 1 || d[3] != 1 || d[1] != cin || n.intAttr("group", 1) != 1) {
            throw ctx.unsupported(n, "on pooled 1x1 features only an ungrouped 1x1 convolution over " + cin + " channels, got weights "
                    + java.util.Arrays.toString(d));
        }
        for (long p : n.intsAttr("pads", new long[4])) if (p != 0) throw ctx.unsupported(n, "padding of pooled 1x1 features");
        long cout = d[0];
        float[] wv = w.asFloats(), dense = new float[wv.length];
        for (int o = 0; o < cout; o++) for (int i = 0; i < cin; i++) dense[(int) (i * cout + o)] = wv[(int) (o * cin + i)];
        String name = ctx.vertexName(n, "");
        boolean bias = !n.input(2).isEmpty();
        OnnxImportContext.Value v = ctx.layer(name, new org.pydl4j.nn.conf.layers.DenseLayer.Builder().nIn(cin).nOut(cout).hasBias(bias)
                .activation(Activation.IDENTITY).build(), x);
        ctx.output(n, new OnnxImportContext.Value(v.vertex(), v.type(), true));
        ctx.param(name, "W", dense, cin, cout);
        if (bias) ctx.param(name, "b", vector(ctx, n, 2, cout), 1, cout);
    }

    static void batchNorm(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        if (n.intAttr("training_mode", 0) != 0) throw ctx.unsupported(n, "training_mode=1");
        long c = x.type() instanceof InputType.InputTypeConvolutional ? ((InputType.InputTypeConvolutional) x.type()).getChannels()
                : x.type().arrayElementsPerExample();
        String name = ctx.vertexName(n, "");
        float eps = n.floatAttr("epsilon", 1e-5f);
        if (!(eps > 0) || !Float.isFinite(eps)) throw new OnnxFormatException(ctx.file, "node '" + n.name() + "' (BatchNormalization): epsilon " + eps);
        ctx.output(n, ctx.layer(name, new BatchNormalization.Builder().eps(eps).nOut(c)
                .activation(Activation.IDENTITY).build(), x));
        String[] keys = {"gamma", "beta", "mean", "var"};
        for (int i = 0; i < 4; i++) ctx.param(name, keys[i], vector(ctx, n, i + 1, c), 1, c);
    }

    static void pool(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        InputType.InputTypeConvolutional t = ctx.cnn(n, x);
        boolean max = n.opType().equals("MaxPool");
        if (n.intAttr("ceil_mode", 0) != 0) throw ctx.unsupported(n, "ceil_mode=1");
        if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) throw ctx.unsupported(n, "the Indices output");
        long[] k = n.intsAttr("kernel_shape", null);
        if (k == null || k.length != 2) throw ctx.unsupported(n, "kernel_shape must have 2 values");
        for (long v : k) if (v < 1 || v > MAX_EXTENT) throw ctx.unsupported(n, "kernel_shape out of range " + java.util.Arrays.toString(k));
        int[] s = two(ctx, n, "strides"), d = two(ctx, n, "dilations");
        if (d[0] != 1 || d[1] != 1) throw ctx.unsupported(n, "dilated pooling");
        int[] pads = pads(ctx, n, t, (int) k[0], (int) k[1], s, d);
        boolean padded = pads[0] + pads[1] + pads[2] + pads[3] > 0;
        if (!max && padded && n.intAttr("count_include_pad", 0) != 0) throw ctx.unsupported(n, "count_include_pad=1 with padding");
        SubsamplingLayer.Builder b = new SubsamplingLayer.Builder(max ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG)
                .kernelSize((int) k[0], (int) k[1]).stride(s);
        if (pads[0] == pads[2] && pads[1] == pads[3]) b.padding(pads[0], pads[1]).convolutionMode(ConvolutionMode.Truncate);
        else if (isSame(pads, t, (int) k[0], (int) k[1], s, d)) b.convolutionMode(ConvolutionMode.Same);
        else throw ctx.unsupported(n, "asymmetric pads " + java.util.Arrays.toString(pads) + " that are not TF-SAME");
        ctx.output(n, ctx.layer(ctx.vertexName(n, ""), b.build(), x));
    }

    static void globalPool(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        ctx.cnn(n, x);
        PoolingType type = n.opType().equals("GlobalMaxPool") ? PoolingType.MAX : PoolingType.AVG;
        OnnxImportContext.Value v = ctx.layer(ctx.vertexName(n, ""), new GlobalPoolingLayer.Builder(type).build(), x);
        ctx.output(n, new OnnxImportContext.Value(v.vertex(), v.type(), true));
    }

    static void pad(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        ctx.cnn(n, x);
        if (!n.stringAttr("mode", "constant").equals("constant")) throw ctx.unsupported(n, "mode " + n.stringAttr("mode", ""));
        long[] p = ctx.opset >= 11 ? ctx.constant(n, 1).asLongs() : n.intsAttr("pads", null);
        if (p == null || p.length != 8) throw ctx.unsupported(n, "pads must have 8 values (4-d input)");
        if (!n.input(2).isEmpty() && ctx.constant(n, 2).asFloats()[0] != 0f) throw ctx.unsupported(n, "a non-zero constant_value");
        if (ctx.opset < 11 && n.floatAttr("value", 0f) != 0f) throw ctx.unsupported(n, "a non-zero value");
        if (n.inputs().size() > 3 && !n.input(3).isEmpty()) throw ctx.unsupported(n, "the axes input");
        for (long v : p) if (v < 0) throw ctx.unsupported(n, "negative pads (cropping)");
        for (long v : p) if (v > MAX_EXTENT) throw ctx.unsupported(n, "pads out of range " + java.util.Arrays.toString(p));
        if (p[0] + p[1] + p[4] + p[5] != 0) throw ctx.unsupported(n, "padding of the batch or channel dimension");
        ctx.output(n, ctx.layer(ctx.vertexName(n, ""), new ZeroPaddingLayer.Builder((int) p[2], (int) p[6], (int) p[3], (int) p[7]).build(), x));
    }

    /** Explicit [top, left, bottom, right] pads from auto_pad or pads. */
    private static int[] pads(OnnxImportContext ctx, OnnxNode n, InputType.InputTypeConvolutional t, int kH, int kW, int[] s, int[] d)
            throws UnsupportedOnnxOpException {
        String auto = n.stringAttr("auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET": {
                long[] p = n.intsAttr("pads", new long[4]);
                if (p.length != 4) throw ctx.unsupported(n, "pads must have 4 values");
                for (long v : p) if (v < 0 || v > MAX_EXTENT) throw ctx.unsupported(n, "pads out of range " + java.util.Arrays.toString(p));
                return new int[]{(int) p[0], (int) p[1], (int) p[2], (int) p[3]};
            }
            case "VALID": return new int[4];
            case "SAME_UPPER": case "SAME_LOWER": {
                int[] h = same(t.getHeight(), kH, s[0], d[0]), w = same(t.getWidth(), kW, s[1], d[1]);
                boolean upper = auto.equals("SAME_UPPER");
                return upper ? new int[]{h[0], w[0], h[1], w[1]} : new int[]{h[1], w[1], h[0], w[0]};
            }
            default: throw ctx.unsupported(n, "auto_pad " + auto);
        }
    }

    /** TF SAME padding {before, after}: the odd pixel goes after. */
    private static int[] same(long in, int k, int s, int d) {
        long out = (in + s - 1) / s;
        long eff = (long) d * (k - 1) + 1;
        int total = (int) Math.max((out - 1) * s + eff - in, 0);
        return new int[]{total / 2, total - total / 2};
    }

    private static boolean isSame(int[] p, InputType.InputTypeConvolutional t, int kH, int kW, int[] s, int[] d) {
        int[] h = same(t.getHeight(), kH, s[0], d[0]), w = same(t.getWidth(), kW, s[1], d[1]);
        return p[0] == h[0] && p[2] == h[1] && p[1] == w[0] && p[3] == w[1];
    }

    /** Bound of kernel sizes, strides, dilations and pads a file may declare (hostile values stay in int range). */
    private static final long MAX_EXTENT = 1 << 16;

    /** A 2-d strides or dilations attribute (one value: both axes), each in [1, 65536]. */
    private static int[] two(OnnxImportContext ctx, OnnxNode n, String key) throws UnsupportedOnnxOpException {
        long[] v = n.intsAttr(key, new long[]{1, 1});
        if (v.length != 1 && v.length != 2) throw ctx.unsupported(n, key + " must have 2 values, got " + java.util.Arrays.toString(v));
        for (long x : v) if (x < 1 || x > MAX_EXTENT) throw ctx.unsupported(n, key + " out of range " + java.util.Arrays.toString(v));
        return new int[]{(int) v[0], (int) v[v.length > 1 ? 1 : 0]};
    }

    /** A constant input holding exactly {@code size} values (any shape, e.g. [C] or [C, 1, 1]). */
    static float[] vector(OnnxImportContext ctx, OnnxNode n, int input, long size) throws UnsupportedOnnxOpException {
        OnnxTensor t = ctx.constant(n, input);
        if (t.size() != size) throw ctx.unsupported(n, "input " + input + " has " + t.size() + " values, expected " + size);
        return t.asFloats();
    }
}
