package org.pydl4j.nn.graph.vertex.impl;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.graph.vertex.GraphVertex;

/** Runtime layer vertex: optional preprocessor, then the layer. */
public class LayerVertex extends GraphVertex {
    private final Layer layer;
    private final InputPreProcessor preProcessor;
    private int miniBatch;

    public LayerVertex(String name, int index, Layer layer, InputPreProcessor preProcessor) {
        super(name, index);
        this.layer = layer;
        this.preProcessor = preProcessor;
    }

    @Override public boolean hasLayer() { return true; }
    @Override public Layer getLayer() { return layer; }
    public InputPreProcessor getPreProcessor() { return preProcessor; }

    @Override
    public INDArray doForward(INDArray[] inputs, boolean training) {
        INDArray x = inputs[0];
        miniBatch = (int) x.size(0);
        if (preProcessor != null) x = preProcessor.preProcess(x, miniBatch);
        return layer.activate(x, training);
    }

    @Override
    public INDArray[] doBackward(INDArray epsilon, boolean[] need) {
        INDArray g = layer.backpropGradient(epsilon, need[0]);
        if (g != null && preProcessor != null) g = preProcessor.backprop(g, miniBatch);
        return new INDArray[]{need[0] ? g : null};
    }

    @Override
    public void clear() { layer.clear(); }
}
