package org.pydl4j.onnx;

import java.util.ArrayList;
import java.util.List;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;

/**
 * Imports of activations, elementwise Add/Mul/Sum, Concat, the classifier's Flatten/Reshape/Squeeze, and the
 * pass-throughs (Identity, Dropout at inference).
 */
final class OnnxGraphImports {
    private OnnxGraphImports() {}

    static OnnxNodeImporter activation(Activation f) {
        return (ctx, n) -> act(ctx, n, f);
    }

    static void act(OnnxImportContext ctx, OnnxNode n, Activation f) throws OnnxFormatException {
        act(ctx, n, ActivationSpec.of(f));
    }

    static void act(OnnxImportContext ctx, OnnxNode n, ActivationSpec f) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        ctx.output(n, keepSqueezed(x, ctx.layer(ctx.vertexName(n, ""), new ActivationLayer.Builder().activation(f).build(), x)));
    }

    /** Sigmoid, or the gate of a Swish (x * Sigmoid(x)) when every consumer is such a Mul. */
    static void sigmoid(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        String x = n.input(0), out = n.outputs().get(0);
        java.util.List<OnnxNode> users = ctx.consumers.getOrDefault(out, java.util.List.of());
        boolean gate = !users.isEmpty() && ctx.values.containsKey(x);
        for (OnnxNode u : users) {
            gate &= u.opType().equals("Mul") && u.inputs().size() == 2
                    && (u.input(0).equals(out) && u.input(1).equals(x) || u.input(1).equals(out) && u.input(0).equals(x));
        }
        if (gate) ctx.swishGates.put(out, x);
        else act(ctx, n, Activation.SIGMOID);
    }

    /** HardSigmoid(alpha, beta): ONNX's defaults are ours (0.2, 0.5); PyTorch's Hardsigmoid exports alpha 1/6. */
    static void hardSigmoid(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        act(ctx, n, parameters(ctx, n, Activation.HARDSIGMOID, n.floatAttr("alpha", 0.2f), n.floatAttr("beta", 0.5f)));
    }

    /**
     * Mul: a Swish (x * Sigmoid(x)), a squeeze-excitation gate (image [N, C, H, W] times pooled [N, C, 1, 1]:
     * a ChannelScaleVertex), or the product of two tensors of one shape.
     */
    static void mul(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        if (n.inputs().size() == 2) {
            for (int i = 0; i < 2; i++) {
                String gateOf = ctx.swishGates.get(n.input(i));
                if (gateOf != null && gateOf.equals(n.input(1 - i))) {
                    act(ctx, new OnnxNode(n.name(), n.opType(), n.domain(), List.of(gateOf), n.outputs(), n.attributes()), Activation.SWISH);
                    return;
                }
            }
            OnnxImportContext.Value a = ctx.values.get(n.input(0)), b = ctx.values.get(n.input(1));
            if (a != null && b != null && a.squeezed() != b.squeezed()) {
                OnnxImportContext.Value image = a.squeezed() ? b : a, gate = a.squeezed() ? a : b;
                ctx.output(n, ctx.vertex(ctx.vertexName(n, ""), new org.pydl4j.nn.conf.graph.ChannelScaleVertex(), List.of(image, gate)));
                return;
            }
        }
        elementWise(ElementWiseVertex.Op.Product).importNode(ctx, n);
    }

    static void leakyRelu(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        act(ctx, n, parameters(ctx, n, Activation.LEAKYRELU, n.floatAttr("alpha", 0.01f), 0f));
    }

    /**
     * The activation with a node's float attributes; ONNX's float32 defaults (0.01f, 0.2f) read as our (double)
     * defaults, so default nodes stay on the parameterless kernels. Non-finite attributes are a format error.
     */
    private static ActivationSpec parameters(OnnxImportContext ctx, OnnxNode n, Activation kind, float alpha, float beta)
            throws OnnxFormatException {
        if (!Float.isFinite(alpha) || !Float.isFinite(beta)) {
            throw new OnnxFormatException(ctx.file, "node '" + n.name() + "' (" + n.opType() + "): attribute alpha=" + alpha
                    + (ActivationSpec.takesBeta(kind) ? ", beta=" + beta : "") + " is not finite");
        }
        double a = alpha == (float) ActivationSpec.defaultAlpha(kind) ? ActivationSpec.defaultAlpha(kind) : alpha;
        double b = beta == (float) ActivationSpec.defaultBeta(kind) ? ActivationSpec.defaultBeta(kind) : beta;
        return new ActivationSpec(kind, a, b);
    }

    /** Clip(0, 6) is RELU6, Clip(0, +inf) RELU. */
    static void clip(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        float lo, hi;
        if (ctx.opset >= 11) {
            lo = n.input(1).isEmpty() ? Float.NEGATIVE_INFINITY : ctx.constant(n, 1).asFloats()[0];
            hi = n.input(2).isEmpty() ? Float.POSITIVE_INFINITY : ctx.constant(n, 2).asFloats()[0];
        } else {
            lo = n.floatAttr("min", Float.NEGATIVE_INFINITY);
            hi = n.floatAttr("max", Float.POSITIVE_INFINITY);
        }
        if (lo == 0f && hi == 6f) act(ctx, n, Activation.RELU6);
        else if (lo == 0f && (hi == Float.POSITIVE_INFINITY || hi >= Float.MAX_VALUE)) act(ctx, n, Activation.RELU);
        else throw ctx.unsupported(n, "Clip(" + lo + ", " + hi + "): only Clip(0, 6) and Clip(0, inf)");
    }

    static void softmax(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        if (x.type() instanceof InputType.InputTypeConvolutional && !x.squeezed()) throw ctx.unsupported(n, "softmax over a 4-d input");
        long axis = n.intAttr("axis", ctx.opset >= 13 ? -1 : 1);
        if (axis != 1 && axis != -1) throw ctx.unsupported(n, "axis=" + axis + " (only the class axis 1)");
        act(ctx, n, Activation.SOFTMAX);
    }

    /** Add or Mul of two computed tensors of one shape. */
    static OnnxNodeImporter elementWise(ElementWiseVertex.Op op) {
        return (ctx, n) -> {
            if (n.inputs().size() < 2) { ctx.output(n, ctx.value(n, 0)); return; }
            List<OnnxImportContext.Value> in = new ArrayList<>();
            for (int i = 0; i < n.inputs().size(); i++) {
                if (ctx.isConstant(n.input(i))) throw ctx.unsupported(n, "a constant operand ('" + n.input(i) + "')");
                in.add(ctx.value(n, i));
            }
            for (OnnxImportContext.Value v : in) {
                if (!v.type().equals(in.get(0).type())) {
                    throw ctx.unsupported(n, "broadcasting between " + in.get(0).type() + " and " + v.type());
                }
            }
            ctx.output(n, keepSqueezed(in.get(0), ctx.vertex(ctx.vertexName(n, ""), new ElementWiseVertex(op), in)));
        };
    }

    static void concat(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        if (n.intAttr("axis", 1) != 1) throw ctx.unsupported(n, "axis=" + n.intAttr("axis", 1) + " (only channels, axis 1)");
        List<OnnxImportContext.Value> in = new ArrayList<>();
        for (int i = 0; i < n.inputs().size(); i++) in.add(ctx.value(n, i));
        ctx.output(n, ctx.vertex(ctx.vertexName(n, ""), new MergeVertex(), in));
    }

    /** Flatten(axis 1), Reshape to [N, -1] / [N, features], Squeeze of the pooled dims: to a 2-d [N, features]. */
    static void flatten(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        OnnxImportContext.Value x = ctx.value(n, 0);
        if (n.opType().equals("Flatten") && n.intAttr("axis", 1) != 1) throw ctx.unsupported(n, "axis=" + n.intAttr("axis", 1));
        if (n.opType().equals("Reshape")) {
            long[] shape = ctx.constant(n, 1).asLongs();
            long features = x.type().arrayElementsPerExample();
            if (shape.length != 2 || !(shape[1] == -1 || shape[1] == features) || !(shape[0] == -1 || shape[0] == 0 || shape[0] == 1 && shape[1] == features)) {
                throw ctx.unsupported(n, "a reshape other than to [N, " + features + "]: " + java.util.Arrays.toString(shape));
            }
        }
        if (n.opType().equals("Squeeze") && !x.squeezed()) throw ctx.unsupported(n, "squeezing other than pooled 1x1 dimensions");
        if (!(x.type() instanceof InputType.InputTypeConvolutional) || x.squeezed()) {
            ctx.output(n, new OnnxImportContext.Value(x.vertex(), x.type(), false));
            return;
        }
        InputType.InputTypeConvolutional t = (InputType.InputTypeConvolutional) x.type();
        ctx.output(n, ctx.vertex(ctx.vertexName(n, ""),
                new PreprocessorVertex(new CnnToFeedForwardPreProcessor(t.getHeight(), t.getWidth(), t.getChannels())), List.of(x)));
    }

    /** Identity and inference-time Dropout: the output is the input (constants stay constants). */
    static void passThrough(OnnxImportContext ctx, OnnxNode n) throws OnnxFormatException {
        if (ctx.isConstant(n.input(0))) {
            OnnxTensor t = ctx.constants.get(n.input(0));
            ctx.constants.put(n.outputs().get(0), t);
            return;
        }
        ctx.output(n, ctx.value(n, 0));
    }

    private static OnnxImportContext.Value keepSqueezed(OnnxImportContext.Value in, OnnxImportContext.Value out) {
        return in.squeezed() ? new OnnxImportContext.Value(out.vertex(), out.type(), true) : out;
    }
}
