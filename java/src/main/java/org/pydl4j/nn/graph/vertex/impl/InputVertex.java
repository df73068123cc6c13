package org.pydl4j.nn.graph.vertex.impl;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.graph.vertex.GraphVertex;

/** A network input. */
public class InputVertex extends GraphVertex {
    public InputVertex(String name, int index) { super(name, index); }

    @Override public boolean isInputVertex() { return true; }
    @Override public INDArray doForward(INDArray[] inputs, boolean training) { return inputs[0]; }
    @Override public INDArray[] doBackward(INDArray epsilon, boolean[] need) { return new INDArray[0]; }
}
