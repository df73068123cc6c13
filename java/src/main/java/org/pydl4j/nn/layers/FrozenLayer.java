package org.pydl4j.nn.layers;

import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/**
 * Runtime frozen layer: delegates to the wrapped layer, always in inference mode; never backpropagates.
 */
public class FrozenLayer implements Layer {
    private final NeuralNetConfiguration conf;
    private final Layer inner;

    public FrozenLayer(NeuralNetConfiguration conf, Layer inner) {
        this.conf = conf;
        this.inner = inner;
    }

    /** The wrapped runtime layer. */
    public Layer getInsideLayer() { return inner; }

    @Override public boolean isFrozen() { return true; }
    @Override public NeuralNetConfiguration conf() { return conf; }
    @Override public org.pydl4j.nn.conf.layers.Layer layerConf() { return conf.getLayer(); }
    @Override public String getName() { return inner.getName(); }
    @Override public int getIndex() { return inner.getIndex(); }
    @Override public INDArray getParam(String key) { return inner.getParam(key); }
    @Override public void setParam(String key, INDArray value) { inner.setParam(key, value); }
    @Override public Map<String, INDArray> paramTable() { return inner.paramTable(); }
    @Override public Map<String, INDArray> gradientTable() { return inner.gradientTable(); }
    @Override public INDArray params() { return inner.params(); }
    @Override public long numParams() { return inner.numParams(); }
    @Override public void setParams(INDArray params) { inner.setParams(params); }
    @Override public double score() { return 0; }
    @Override public void setDropoutSeed(long seed) {}
    @Override public void clear() { inner.clear(); }

    @Override
    public INDArray activate(INDArray input, boolean training) { return inner.activate(input, false); }

    @Override
    public INDArray backpropGradient(INDArray epsilon, boolean needInputGradient) {
        throw new IllegalStateException("layer '" + getName() + "' is frozen: backprop does not pass through it");
    }

    @Override
    public String toString() { return "FrozenLayer(" + getName() + ")"; }
}
