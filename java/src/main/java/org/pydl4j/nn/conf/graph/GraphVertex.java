package org.pydl4j.nn.conf.graph;

import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** A vertex configuration in a ComputationGraph, as DL4J's {@code org.deeplearning4j.nn.conf.graph.GraphVertex}. */
public abstract class GraphVertex implements Cloneable {
    /** The saved fields (see JsonType). */
    public static final JsonType<GraphVertex> JSON = JsonType.declareAbstract(GraphVertex.class)
            .build();

    public abstract int minVertexInputs();

    public abstract int maxVertexInputs();

    /** The output type for the given input types; vertexName names the vertex in errors. */
    public abstract InputType getOutputType(String vertexName, InputType... vertexInputs);

    /** Creates the runtime vertex. layerIndex is the index among layers (for layer vertices). */
    public abstract org.pydl4j.nn.graph.vertex.GraphVertex instantiate(String name, int vertexIndex, NeuralNetConfiguration defaults, int layerIndex);

    public long numParams() { return 0; }

    @Override
    public GraphVertex clone() { return JsonType.valueCopy(this); }   // deep, over the declared fields

    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    @Override
    public String toString() { return getClass().getSimpleName(); }
}
