package org.pydl4j.nn.layers;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.NDArrayIndex;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/**
 * Shared runtime behavior: parameter and gradient views into the network's flat arrays, input dropout
 * (inverted, retain probability p, training only) and the activate/backprop protocol.
 */
public abstract class AbstractLayer<C extends org.pydl4j.nn.conf.layers.Layer> implements Layer {
    protected final NeuralNetConfiguration conf;
    protected final C layerConf;
    protected final int index;
    protected INDArray paramsFlat;
    protected INDArray gradientsFlat;
    protected final Map<String, INDArray> params = new LinkedHashMap<>();
    protected final Map<String, INDArray> gradients = new LinkedHashMap<>();
    protected INDArray input;
    protected INDArray dropoutMask;
    protected long dropoutSeed;
    protected double score;

    @SuppressWarnings("unchecked")
    protected AbstractLayer(NeuralNetConfiguration conf, int index) {
        this.conf = conf;
        this.layerConf = (C) conf.getLayer();
        this.index = index;
    }

    @Override public NeuralNetConfiguration conf() { return conf; }
    @Override public C layerConf() { return layerConf; }
    @Override public String getName() { return layerConf.getLayerName(); }
    @Override public int getIndex() { return index; }
    @Override public double score() { return score; }
    @Override public void setDropoutSeed(long seed) { this.dropoutSeed = seed; }

    /** Attaches flat views (length numParams) of the network's parameters and gradients; shapes them per key. */
    public void setParamViews(INDArray paramsView, INDArray gradientsView) {
        long n = layerConf.numParams();
        if ((paramsView == null ? 0 : paramsView.length()) != n) {
            throw new IllegalArgumentException("layer '" + getName() + "' has " + n + " parameters, got a view of " + (paramsView == null ? 0 : paramsView.length()));
        }
        params.clear();
        paramsFlat = paramsView;
        slice(paramsView, params);
        setGradientView(gradientsView);
    }

    /** Attaches a flat view (length numParams) of the network's gradients, or none (null: not trained yet). */
    public void setGradientView(INDArray gradientsView) {
        gradients.clear();
        gradientsFlat = gradientsView;
        if (gradientsView != null) slice(gradientsView, gradients);
    }

    /** Cuts a flat view into one shaped view per parameter key. */
    private void slice(INDArray flat, Map<String, INDArray> into) {
        long n = layerConf.numParams(), off = 0;
        for (Map.Entry<String, long[]> e : layerConf.paramShapes().entrySet()) {
            long len = 1;
            for (long d : e.getValue()) len *= d;
            into.put(e.getKey(), flat.reshape(n).get(NDArrayIndex.interval(off, off + len)).reshape(e.getValue()));
            off += len;
        }
    }

    /** Initializes the parameters from the generator (weight init, bias init, batch norm defaults). */
    public void initParams(Random rng) { layerConf.initializeParams(params, rng); }

    @Override
    public INDArray params() { return paramsFlat == null ? null : paramsFlat.reshape(1, paramsFlat.length()); }

    @Override
    public long numParams() { return paramsFlat == null ? 0 : paramsFlat.length(); }

    @Override
    public void setParams(INDArray p) {
        if (p.length() != numParams()) {
            throw new IllegalArgumentException("layer '" + getName() + "': setParams with " + p.length() + " values, layer has " + numParams());
        }
        paramsFlat.assign(p);
    }

    @Override
    public INDArray getParam(String key) {
        INDArray p = params.get(key);
        if (p == null) throw new IllegalArgumentException("layer '" + getName() + "' has no parameter '" + key + "' (has " + params.keySet() + ")");
        return p;
    }

    @Override
    public void setParam(String key, INDArray value) {
        INDArray p = getParam(key);
        if (!Arrays.equals(p.shape(), value.shape()) && p.length() != value.length()) {
            throw new IllegalArgumentException("layer '" + getName() + "': parameter '" + key + "' has shape " + Arrays.toString(p.shape())
                    + ", got " + Arrays.toString(value.shape()));
        }
        p.assign(value);
    }

    @Override public Map<String, INDArray> paramTable() { return Collections.unmodifiableMap(params); }
    @Override public Map<String, INDArray> gradientTable() { return Collections.unmodifiableMap(gradients); }

    @Override
    public final INDArray activate(INDArray in, boolean training) {
        validateInput(in);
        INDArray x = in;
        dropoutMask = null;
        Double p = layerConf.getDropOut();
        if (training && p != null && p < 1.0) {
            Random r = new Random(dropoutSeed);
            dropoutMask = Nd4j.createUninitialized(in.dataType(), in.shape());
            double keep = 1.0 / p;
            for (int i = 0; i < dropoutMask.length(); i++) dropoutMask.putLinear(i, r.nextDouble() < p ? keep : 0.0);
            x = in.mul(dropoutMask);
        }
        input = x;
        return doActivate(x, training);
    }

    @Override
    public final INDArray backpropGradient(INDArray epsilon, boolean needInputGradient) {
        if (input == null) throw new IllegalStateException("layer '" + getName() + "': backprop before a forward pass");
        INDArray g = doBackprop(epsilon, needInputGradient);
        if (g != null && dropoutMask != null) g = g.mul(dropoutMask);
        return needInputGradient ? g : null;
    }

    @Override
    public void clear() {
        input = null;
        dropoutMask = null;
    }

    protected String describe() { return "layer '" + getName() + "' (" + layerConf.getClass().getSimpleName() + ")"; }

    /** Rejects an input of the wrong rank or size, naming this layer and both shapes. */
    protected abstract void validateInput(INDArray in);

    protected void requireRank(INDArray in, int rank, String expected) {
        if (in.rank() != rank) {
            throw new IllegalArgumentException(describe() + ": expected input " + expected + ", got shape " + Arrays.toString(in.shape()));
        }
    }

    /** Forward on the (dropped-out) input. */
    protected abstract INDArray doActivate(INDArray x, boolean training);

    /** Backward: fill gradient views; return d(loss)/d(x) (may be null if not needed). */
    protected abstract INDArray doBackprop(INDArray epsilon, boolean needInputGradient);

    @Override
    public String toString() { return getClass().getSimpleName() + "(" + getName() + ")"; }
}
