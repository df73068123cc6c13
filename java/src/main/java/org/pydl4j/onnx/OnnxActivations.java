package org.pydl4j.onnx;

import java.util.List;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;

/** Activations as ONNX operators (export side); the import side maps the same operators back in {@link OnnxImportTable}. */
final class OnnxActivations {
    private OnnxActivations() {}

    /** Applies {@code f} to tensor {@code in}, writing tensor {@code out}; IDENTITY writes an Identity node. */
    static String export(OnnxGraphAssembler g, ActivationSpec f, String in, String out) { return export(g, f, out, in, out); }

    /** As {@link #export(OnnxGraphAssembler, Activation, String, String)} with the node called {@code name}. */
    static String export(OnnxGraphAssembler g, ActivationSpec spec, String name, String in, String out) {
        Activation f = spec.kind();
        switch (f) {
            case IDENTITY: return g.named("Identity", name, out, List.of(in));
            case RELU: return g.named("Relu", name, out, List.of(in));
            case SIGMOID: return g.named("Sigmoid", name, out, List.of(in));
            case TANH: return g.named("Tanh", name, out, List.of(in));
            case LEAKYRELU: return g.named("LeakyRelu", name, out, List.of(in), OnnxAttribute.ofFloat("alpha", (float) spec.alpha()));
            case SOFTMAX: return g.named("Softmax", name, out, List.of(in), OnnxAttribute.ofInt("axis", 1));
            case RELU6: return g.named("Clip", name, out, List.of(in, g.scalar(out + "_min", 0f), g.scalar(out + "_max", 6f)));
            case HARDSIGMOID: return g.named("HardSigmoid", name, out, List.of(in), OnnxAttribute.ofFloat("alpha", (float) spec.alpha()),
                    OnnxAttribute.ofFloat("beta", (float) spec.beta()));
            case HARDSWISH: return g.named("HardSwish", name, out, List.of(in));
            case SWISH: {
                String gate = g.named("Sigmoid", name + "_sigmoid", g.unique(out + "_sigmoid"), List.of(in));
                return g.named("Mul", name, out, List.of(in, gate));
            }
            default: throw new IllegalArgumentException("activation " + f + " has no ONNX form");
        }
    }

    /** A layer's own activation: nothing for IDENTITY (returns {@code in}), else a node "&lt;out&gt;_act" writing {@code out}. */
    static String exportOrSkip(OnnxGraphAssembler g, ActivationSpec f, String in, String out) {
        return f == null || f.kind() == Activation.IDENTITY ? in : export(g, f, out + "_act", in, out);
    }
}
