package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.COUNT;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.util.json.JsonType;

/**
 * Depthwise then pointwise convolution, as DL4J's SeparableConvolution2D: depthwise weights W [depthMultiplier, nIn,
 * kH, kW] (channel c, multiplier m makes intermediate channel c*depthMultiplier + m), pointwise weights pW
 * [nOut, nIn*depthMultiplier, 1, 1], bias b [1, nOut]; geometry (kernel, stride, padding, dilation, mode) is the
 * depthwise step's.
 */
public class SeparableConvolution2D extends ConvolutionLayer {
    /** The saved fields (after ConvolutionLayer's). */
    public static final JsonType<SeparableConvolution2D> JSON = ConvolutionLayer.JSON.extend(SeparableConvolution2D.class, SeparableConvolution2D::new)
            .field("depthMultiplier", COUNT, o -> o.depthMultiplier, (o, v) -> o.depthMultiplier = v)
            .build();

    protected int depthMultiplier = 1;

    protected SeparableConvolution2D() {}

    protected SeparableConvolution2D(Builder b) {
        super(b);
        this.depthMultiplier = b.depthMultiplier;
    }

    public int getDepthMultiplier() { return depthMultiplier; }

    @Override
    public Map<String, long[]> paramShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("W", new long[]{depthMultiplier, nIn, kernelSize[0], kernelSize[1]});
        m.put("pW", new long[]{nOut, nIn * depthMultiplier, 1, 1});
        if (hasBias) m.put("b", new long[]{1, nOut});
        return m;
    }

    @Override
    public void initializeParams(Map<String, INDArray> params, Random rng) {
        double k = (double) kernelSize[0] * kernelSize[1];
        initWeights(k, depthMultiplier * k, params.get("W"), rng);
        initWeights(nIn * depthMultiplier, nOut, params.get("pW"), rng);
        if (hasBias) params.get("b").assign(biasInit);
    }

    @Override
    public double getL2ByParam(String key) { return super.getL2ByParam("pW".equals(key) ? "W" : key); }

    @Override
    public double getL1ByParam(String key) { return super.getL1ByParam("pW".equals(key) ? "W" : key); }

    @Override
    public void validate() {
        super.validate();
        if (depthMultiplier < 1) throw new IllegalArgumentException(nameForErrors() + ": depthMultiplier must be >= 1, got " + depthMultiplier);
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.convolution.SeparableConvolution2DLayer(conf, layerIndex);
    }

    public static class Builder extends BaseConvBuilder<Builder> {
        protected int depthMultiplier = 1;

        public Builder() {}

        public Builder(int[] kernelSize, int[] stride, int[] padding) { kernelSize(kernelSize); stride(stride); padding(padding); }

        public Builder(int[] kernelSize, int[] stride) { kernelSize(kernelSize); stride(stride); }

        public Builder(int... kernelSize) { if (kernelSize.length > 0) kernelSize(kernelSize); }

        public Builder depthMultiplier(int depthMultiplier) { this.depthMultiplier = depthMultiplier; return this; }

        public SeparableConvolution2D build() { return new SeparableConvolution2D(this); }
    }
}
