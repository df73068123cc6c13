package org.pydl4j.nn.conf.graph;

import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;

/** Applies an InputPreProcessor as a vertex of its own, as DL4J's PreprocessorVertex. */
public class PreprocessorVertex extends GraphVertex {
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
