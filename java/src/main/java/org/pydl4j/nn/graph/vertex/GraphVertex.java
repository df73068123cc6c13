package org.pydl4j.nn.graph.vertex;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Layer;

/** A runtime vertex of a ComputationGraph, as DL4J's {@code org.deeplearning4j.nn.graph.vertex.GraphVertex}. */
public abstract class GraphVertex {
    protected final String name;
    protected final int index;

    protected GraphVertex(String name, int index) {
        this.name = name;
        this.index = index;
    }

    public String getVertexName() { return name; }

    public int getVertexIndex() { return index; }

    public boolean hasLayer() { return false; }

    public Layer getLayer() { return null; }

    public boolean isInputVertex() { return false; }

    /** True for a layer vertex holding a frozen layer. */
    public boolean isFrozen() { return hasLayer() && getLayer().isFrozen(); }

    /** Forward pass; keeps what backward needs. */
    public abstract INDArray doForward(INDArray[] inputs, boolean training);

    /** Gradients with respect to each input (null where needInputGradient[i] is false). */
    public abstract INDArray[] doBackward(INDArray epsilon, boolean[] needInputGradient);

    /** Releases cached activations. */
    public void clear() {}

    @Override
    public String toString() { return getClass().getSimpleName() + "(" + name + ")"; }
}
