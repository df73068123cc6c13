package org.pydl4j.nn.conf.graph;

import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Scales each channel of an image by a per-example factor: inputs {@code x} [N, C, H, W] and {@code s} [N, C]
 * (feed-forward of size C), output {@code x * s[:, :, None, None]}. The gate of squeeze-and-excitation blocks
 * (ONNX {@code Mul} of a feature map by its pooled, sigmoid-gated channel weights).
 */
public class ChannelScaleVertex extends GraphVertex {
    /** The saved fields (after GraphVertex's). */
    public static final JsonType<ChannelScaleVertex> JSON = GraphVertex.JSON.extend(ChannelScaleVertex.class, ChannelScaleVertex::new)
            .named("vertex.ChannelScale")
            .build();

    public ChannelScaleVertex() {}

    @Override public int minVertexInputs() { return 2; }
    @Override public int maxVertexInputs() { return 2; }

    @Override
    public InputType getOutputType(String vertexName, InputType... in) {
        if (!(in[0] instanceof InputType.InputTypeConvolutional) || in[1].getType() != InputType.Type.FF
                || in[1].arrayElementsPerExample() != ((InputType.InputTypeConvolutional) in[0]).getChannels()) {
            throw new IllegalArgumentException("vertex '" + vertexName + "' (ChannelScaleVertex): needs an image [N, C, H, W] and "
                    + "channel factors [N, C], got " + in[0] + " and " + in[1]);
        }
        return in[0];
    }

    @Override
    public org.pydl4j.nn.graph.vertex.GraphVertex instantiate(String name, int vertexIndex, NeuralNetConfiguration defaults, int layerIndex) {
        return new org.pydl4j.nn.graph.vertex.impl.ChannelScaleVertex(name, vertexIndex);
    }
}
