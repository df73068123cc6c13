package org.pydl4j.nn.conf.graph;

import static org.pydl4j.util.json.JsonCodecs.enumOf;

import java.util.Arrays;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Combines inputs of equal shape elementwise, as DL4J's ElementWiseVertex: Add, Subtract (exactly 2 inputs),
 * Product, Average, Max.
 */
public class ElementWiseVertex extends GraphVertex {
    /** The saved fields (after GraphVertex's). */
    public static final JsonType<ElementWiseVertex> JSON = GraphVertex.JSON.extend(ElementWiseVertex.class, ElementWiseVertex::new)
            .named("vertex.ElementWise")
            .field("op", enumOf(ElementWiseVertex.Op.class), o -> o.op, (o, v) -> o.op = v)
            .build();

    public enum Op { Add, Subtract, Product, Average, Max }

    private Op op;

    protected ElementWiseVertex() {}

    public ElementWiseVertex(Op op) { this.op = op; }

    public Op getOp() { return op; }

    @Override public int minVertexInputs() { return op == Op.Subtract ? 2 : 1; }
    @Override public int maxVertexInputs() { return op == Op.Subtract ? 2 : Integer.MAX_VALUE; }

    @Override
    public InputType getOutputType(String vertexName, InputType... in) {
        for (InputType t : in) {
            if (!t.equals(in[0])) {
                throw new IllegalArgumentException("vertex '" + vertexName + "' (ElementWiseVertex " + op + "): inputs have different types "
                        + Arrays.toString(in));
            }
        }
        return in[0];
    }

    @Override
    public org.pydl4j.nn.graph.vertex.GraphVertex instantiate(String name, int vertexIndex, NeuralNetConfiguration defaults, int layerIndex) {
        return new org.pydl4j.nn.graph.vertex.impl.ElementWiseVertex(name, vertexIndex, op);
    }

    @Override
    public String toString() { return "ElementWiseVertex(" + op + ")"; }
}
