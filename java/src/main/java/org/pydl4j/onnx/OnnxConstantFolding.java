package org.pydl4j.onnx;

import java.util.Arrays;

/**
 * Folds the small constant computations exporters emit around a classifier (Constant, Shape of a computed tensor,
 * Gather, Unsqueeze, Concat, Cast on 1-d integer/float constants) into constants. Shape reports the batch
 * dimension as 0, which Reshape reads as "keep the input's", so Reshape(x, Concat(Shape(x)[0], -1)) folds to
 * Reshape(x, [0, -1]).
 */
final class OnnxConstantFolding {
    private OnnxConstantFolding() {}

    /** Folds the node when it is foldable and its inputs are constants; false otherwise. */
    static boolean fold(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        String out = n.outputs().isEmpty() ? "" : n.outputs().get(0);
        switch (n.opType()) {
            case "Constant": ctx.constants.put(out, constant(ctx, n)); return true;
            case "Shape": {
                if (ctx.isConstant(n.input(0))) { put(ctx, out, ctx.constants.get(n.input(0)).dims()); return true; }
                OnnxImportContext.Value v = ctx.value(n, 0);
                long[] s = v.type().getShape(0);
                if (v.squeezed()) s = new long[]{0, s[1], 1, 1};
                put(ctx, out, s);
                return true;
            }
            case "Gather": case "Unsqueeze": case "Concat": case "Cast": case "Identity":
                for (String in : n.inputs()) if (!in.isEmpty() && !ctx.isConstant(in)) return false;
                break;
            default: return false;
        }
        OnnxTensor a = ctx.constant(n, 0);
        switch (n.opType()) {
            case "Gather": {
                if (n.intAttr("axis", 0) != 0 || a.dims().length > 1) throw ctx.unsupported(n, "gathering other than from a 1-d constant");
                long[] idx = ctx.constant(n, 1).asLongs(), src = a.asLongs();
                long[] r = new long[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    long k = idx[i] < 0 ? idx[i] + src.length : idx[i];
                    if (k < 0 || k >= src.length) throw ctx.unsupported(n, "index " + idx[i] + " out of range");
                    r[i] = src[(int) k];
                }
                OnnxTensor t = a.isFloat() ? OnnxTensor.ofFloats(out, ctx.constant(n, 1).dims(), floats(r)) : OnnxTensor.ofInts(out, ctx.constant(n, 1).dims(), r);
                ctx.constants.put(out, t);
                return true;
            }
            case "Unsqueeze": {
                long[] dims = a.dims().length == 0 ? new long[]{1} : a.dims();
                if (a.dims().length > 1) throw ctx.unsupported(n, "unsqueezing a constant of rank " + a.dims().length);
                ctx.constants.put(out, new OnnxTensor(out, a.dataType(), dims, a.floats(), a.ints()));
                return true;
            }
            case "Concat": {
                long[] all = new long[0];
                for (int i = 0; i < n.inputs().size(); i++) {
                    long[] v = ctx.constant(n, i).asLongs();
                    all = Arrays.copyOf(all, all.length + v.length);
                    System.arraycopy(v, 0, all, all.length - v.length, v.length);
                }
                put(ctx, out, all);
                return true;
            }
            default:   // Cast, Identity
                ctx.constants.put(out, a);
                return true;
        }
    }

    private static OnnxTensor constant(OnnxImportContext ctx, OnnxNode n) throws UnsupportedOnnxOpException {
        OnnxAttribute a = n.attr("value");
        if (a != null && a.t() != null) return a.t();
        if ((a = n.attr("value_float")) != null) return OnnxTensor.ofFloats("", new long[0], new float[]{a.f()});
        if ((a = n.attr("value_floats")) != null) return OnnxTensor.ofFloats("", new long[]{a.floats().length}, a.floats());
        if ((a = n.attr("value_int")) != null) return OnnxTensor.ofInts("", new long[0], new long[]{a.i()});
        if ((a = n.attr("value_ints")) != null) return OnnxTensor.ofInts("", new long[]{a.ints().length}, a.ints());
        throw ctx.unsupported(n, "a Constant without a tensor, float or int value");
    }

    private static void put(OnnxImportContext ctx, String name, long[] v) {
        ctx.constants.put(name, OnnxTensor.ofInts(name, new long[]{v.length}, v));
    }

    private static float[] floats(long[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }
}
