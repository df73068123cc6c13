package org.pydl4j.nn.conf.graph;

import static org.pydl4j.util.json.JsonCodecs.object;

import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Applies an InputPreProcessor as a vertex of its own, as DL4J's PreprocessorVertex. */
public class PreprocessorVertex extends GraphVertex {
    /** The saved fields (after GraphVertex's). */
    public static final JsonType<PreprocessorVertex> JSON = GraphVertex.JSON.extend(PreprocessorVertex.class, PreprocessorVertex::new)
            .named("vertex.Preprocessor")
            .field("preProcessor", object(InputPreProcessor.class), o -> o.preProcessor, (o, v) -> o.preProcessor = v)
            .build();

    private InputPreProcessor preProcessor;

    protected PreprocessorVertex() {}

    public PreprocessorVertex(InputPreProcessor preProcessor) { this.preProcessor = preProcessor; }

    public InputPreProcessor getPreProcessor() { return preProcessor; }

    @Override public int minVertexInputs() { return 1; }
    @Override public int maxVertexInputs() { return 1; }

    @Override
    public InputType getOutputType(String vertexName, InputType... in) { return preProcessor.getOutputType(in[0]); }

    @Override
    public org.pydl4j.nn.graph.vertex.GraphVertex instantiate(String name, int vertexIndex, NeuralNetConfiguration defaults, int layerIndex) {
        return new org.pydl4j.nn.graph.vertex.impl.PreprocessorVertex(name, vertexIndex, preProcessor);
    }

    @Override
    public String toString() { return "PreprocessorVertex(" + preProcessor + ")"; }
}
