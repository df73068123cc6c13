package org.pydl4j.onnx;

import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;

/** Writes one layer kind as ONNX nodes; returns the name of the tensor holding the layer's output. */
@FunctionalInterface
interface OnnxLayerExporter {
    /**
     * @param vertex  the vertex name (the output tensor must be named so)
     * @param layer   the layer's configuration
     * @param input   the input tensor's name
     * @param inType  the input's type (after any preprocessor)
     * @param params  the layer's parameters by key ("W", "b", "gamma", ...)
     */
    String export(OnnxGraphAssembler g, String vertex, Layer layer, String input, InputType inType, Map<String, INDArray> params);
}
