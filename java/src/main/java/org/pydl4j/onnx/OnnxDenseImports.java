package org.pydl4j.onnx;

import java.util.List;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.layers.DenseLayer;

/**
 * Gemm and MatMul with constant weights become a DenseLayer (weights [nIn, nOut]); a MatMul whose only consumer
 * adds a constant vector takes that vector as its bias (the Add is folded).
 */
final class OnnxDenseImports {
    private OnnxDenseImports() {}

    static void gemm(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = flat(ctx, n);
        if (n.intAttr("transA", 0) != 0) throw ctx.unsupported(n, "transA=1");
        OnnxTensor b = ctx.constant(n, 1);
        if (b.dims().length != 2) throw ctx.unsupported(n, "B must be 2-d");
        boolean transB = n.intAttr("transB", 0) != 0;
        long nIn = b.dims()[transB ? 1 : 0], nOut = b.dims()[transB ? 0 : 1];
        float alpha = n.floatAttr("alpha", 1f), beta = n.floatAttr("beta", 1f);
        float[] w = weights(b.asFloats(), nIn, nOut, transB, alpha);
        float[] bias = null;
        if (!n.input(2).isEmpty()) {
            OnnxTensor c = ctx.constant(n, 2);
            if (c.size() != nOut && c.size() != 1) throw ctx.unsupported(n, "C must hold " + nOut + " values or 1, has " + c.size());
            bias = new float[(int) nOut];
            float[] cv = c.asFloats();
            for (int i = 0; i < nOut; i++) bias[i] = beta * cv[c.size() == 1 ? 0 : i];
        }
        dense(ctx, n, x, nIn, nOut, w, bias, n);
    }

    static void matMul(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = flat(ctx, n);
        OnnxTensor b = ctx.constant(n, 1);
        if (b.dims().length != 2) throw ctx.unsupported(n, "B must be a 2-d constant");
        long nIn = b.dims()[0], nOut = b.dims()[1];
        float[] bias = null;
        OnnxNode out = n;
        List<OnnxNode> next = ctx.consumers.getOrDefault(n.outputs().get(0), List.of());
        if (next.size() == 1 && next.get(0).opType().equals("Add")) {
            OnnxNode add = next.get(0);
            String other = add.input(0).equals(n.outputs().get(0)) ? add.input(1) : add.input(0);
            OnnxTensor c = ctx.constants.get(other);
            if (c != null && c.size() == nOut) {
                bias = c.asFloats();
                ctx.fused.add(add);
                out = add;
            }
        }
        dense(ctx, n, x, nIn, nOut, weights(b.asFloats(), nIn, nOut, false, 1f), bias, out);
    }

    private static void dense(OnnxImportContext ctx, OnnxNode n, OnnxImportContext.Value x, long nIn, long nOut, float[] w,
                              float[] bias, OnnxNode outputNode) throws OnnxFormatException {
        if (x.type().arrayElementsPerExample() != nIn) {
            throw ctx.unsupported(n, "weights expect " + nIn + " inputs, the input has " + x.type().arrayElementsPerExample());
        }
        String name = ctx.vertexName(n, "");
        ctx.output(outputNode, ctx.layer(name, new DenseLayer.Builder().nIn(nIn).nOut(nOut).hasBias(bias != null)
                .activation(Activation.IDENTITY).build(), x));
        ctx.param(name, "W", w, nIn, nOut);
        if (bias != null) ctx.param(name, "b", bias, 1, nOut);
    }

    /** The input as a 2-d [N, features] value (already flat, or squeezed global pooling). */
    private static OnnxImportContext.Value flat(OnnxImportContext ctx, OnnxNode n) throws UnsupportedOnnxOpException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        if (x.type() instanceof org.pydl4j.nn.conf.inputs.InputType.InputTypeConvolutional && !x.squeezed()) {
            throw ctx.unsupported(n, "needs a 2-d input (Flatten first), got " + x.type());
        }
        return x;
    }

    /** Row-major [nIn, nOut] weights, from B ([nIn, nOut], or [nOut, nIn] when transposed), times alpha. */
    private static float[] weights(float[] b, long nIn, long nOut, boolean transposed, float alpha) {
        float[] w = new float[b.length];
        for (int i = 0; i < nIn; i++) {
            for (int o = 0; o < nOut; o++) w[(int) (i * nOut + o)] = alpha * b[(int) (transposed ? o * nIn + i : i * nOut + o)];
        }
        return w;
    }
}
