package org.pydl4j.nn.conf.graph;

import java.util.Arrays;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Concatenates inputs along dimension 1 (features or channels), as DL4J's MergeVertex. */
public class MergeVertex extends GraphVertex {
    /** The saved fields (after GraphVertex's). */
    public static final JsonType<MergeVertex> JSON = GraphVertex.JSON.extend(MergeVertex.class, MergeVertex::new)
            .named("vertex.Merge")
            .build();

    public MergeVertex() {}

    @Override public int minVertexInputs() { return 1; }
    @Override public int maxVertexInputs() { return Integer.MAX_VALUE; }

    @Override
    public InputType getOutputType(String vertexName, InputType... in) {
        if (in.length == 1) return in[0];
        InputType.Type type = in[0].getType();
        long total = 0;
        for (InputType t : in) {
            if (t.getType() != type) throw new IllegalArgumentException("vertex '" + vertexName + "' (MergeVertex): inputs of different kinds " + Arrays.toString(in));
            if (type == InputType.Type.CNN) {
                InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) t, c0 = (InputType.InputTypeConvolutional) in[0];
                if (c.getHeight() != c0.getHeight() || c.getWidth() != c0.getWidth()) {
                    throw new IllegalArgumentException("vertex '" + vertexName + "' (MergeVertex): convolutional inputs of different height/width "
                            + Arrays.toString(in));
                }
                total += c.getChannels();
            } else {
                total += t.arrayElementsPerExample();
            }
        }
        if (type == InputType.Type.CNN) {
            InputType.InputTypeConvolutional c0 = (InputType.InputTypeConvolutional) in[0];
            return InputType.convolutional(c0.getHeight(), c0.getWidth(), total);
        }
        return InputType.feedForward(total);
    }

    @Override
    public org.pydl4j.nn.graph.vertex.GraphVertex instantiate(String name, int vertexIndex, NeuralNetConfiguration defaults, int layerIndex) {
        return new org.pydl4j.nn.graph.vertex.impl.MergeVertex(name, vertexIndex);
    }
}
