package org.pydl4j.nn.graph.vertex.impl;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.graph.vertex.GraphVertex;

/** Runtime preprocessor vertex. */
public class PreprocessorVertex extends GraphVertex {
    private final InputPreProcessor preProcessor;
    private int miniBatch;

    public PreprocessorVertex(String name, int index, InputPreProcessor preProcessor) {
        super(name, index);
        this.preProcessor = preProcessor;
    }

    @Override
    public INDArray doForward(INDArray[] inputs, boolean training) {
        miniBatch = (int) inputs[0].size(0);
        return preProcessor.preProcess(inputs[0], miniBatch);
    }

    @Override
    public INDArray[] doBackward(INDArray epsilon, boolean[] need) {
        return new INDArray[]{need[0] ? preProcessor.backprop(epsilon, miniBatch) : null};
    }
}
