package org.pydl4j.onnx;

import java.util.List;
import org.pydl4j.nd.activations.Activation;

/** Activations as ONNX operators (export side); the import side maps the same operators back in {@link OnnxImportTable}. */
final class OnnxActivations {
    private OnnxActivations() {}

    /** Applies {@code f} to tensor {@code in}, writing tensor {@code out}; IDENTITY writes an Identity node. */
    static String export(OnnxGraphAssembler g, Activation f, String in, String out) {
        switch (f) {
            case IDENTITY: return g.node("Identity", out, List.of(in));
            case RELU: return g.node("Relu", out, List.of(in));
            case SIGMOID: return g.node("Sigmoid", out, List.of(in));
            case TANH: return g.node("Tanh", out, List.of(in));
            case LEAKYRELU: return g.node("LeakyRelu", out, List.of(in), OnnxAttribute.ofFloat("alpha", 0.01f));
            case SOFTMAX: return g.node("Softmax", out, List.of(in), OnnxAttribute.ofInt("axis", 1));
            case RELU6: return g.node("Clip", out, List.of(in, g.scalar(out + "_min", 0f), g.scalar(out + "_max", 6f)));
            default: throw new IllegalArgumentException("activation " + f + " has no ONNX form");
        }
    }

    /** Like {@link #export} but writes nothing for IDENTITY (returns {@code in}). */
    static String exportOrSkip(OnnxGraphAssembler g, Activation f, String in, String out) {
        return f == null || f == Activation.IDENTITY ? in : export(g, f, in, out);
    }
}
