package org.pydl4j.nn.conf.graph;

import static org.pydl4j.util.json.JsonCodecs.object;

import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.util.json.JsonType;

/** A layer (with an optional input preprocessor) as a graph vertex, as DL4J's LayerVertex. */
public class LayerVertex extends GraphVertex {
    /** The saved fields (after GraphVertex's). */
    public static final JsonType<LayerVertex> JSON = GraphVertex.JSON.extend(LayerVertex.class, LayerVertex::new)
            .named("vertex.Layer")
            .field("layerConf", object(Layer.class), o -> o.layerConf, (o, v) -> o.layerConf = v)
            .field("preProcessor", object(InputPreProcessor.class), o -> o.preProcessor, (o, v) -> o.preProcessor = v)
            .build();

    static {
        org.pydl4j.nn.conf.layers.LayerKinds.all();   // the kinds' names, for writing the layer this holds
    }

    private Layer layerConf;
    private InputPreProcessor preProcessor;

    protected LayerVertex() {}

    public LayerVertex(Layer layerConf, InputPreProcessor preProcessor) {
        this.layerConf = layerConf;
        this.preProcessor = preProcessor;
    }

    public Layer getLayerConf() { return layerConf; }
    public void setLayerConf(Layer l) { this.layerConf = l; }
    public InputPreProcessor getPreProcessor() { return preProcessor; }
    public void setPreProcessor(InputPreProcessor p) { this.preProcessor = p; }

    @Override public int minVertexInputs() { return 1; }
    @Override public int maxVertexInputs() { return 1; }

    @Override
    public InputType getOutputType(String vertexName, InputType... in) {
        InputType t = in[0];
        if (preProcessor != null) t = preProcessor.getOutputType(t);
        return layerConf.getOutputType(0, t);
    }

    @Override
    public long numParams() { return layerConf.numParams(); }

    @Override
    public org.pydl4j.nn.graph.vertex.GraphVertex instantiate(String name, int vertexIndex, NeuralNetConfiguration defaults, int layerIndex) {
        org.pydl4j.nn.api.Layer layer = layerConf.instantiate(defaults.withLayer(layerConf), layerIndex);
        return new org.pydl4j.nn.graph.vertex.impl.LayerVertex(name, vertexIndex, layer, preProcessor);
    }

    @Override
    public String toString() { return "LayerVertex(" + layerConf.getClass().getSimpleName() + ")"; }
}
