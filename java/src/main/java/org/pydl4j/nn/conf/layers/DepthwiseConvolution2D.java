package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.COUNT;

import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Depthwise 2-d convolution, as DL4J's DepthwiseConvolution2D: each input channel c is convolved with
 * depthMultiplier kernels giving output channels c*depthMultiplier + j; nOut = nIn * depthMultiplier.
 * Weights are kept as grouped OIHW: W [nIn*depthMultiplier, 1, kH, kW] (DL4J stores [kH, kW, nIn, depthMultiplier]).
 */
public class DepthwiseConvolution2D extends ConvolutionLayer {
    /** The saved fields (after ConvolutionLayer's). */
    public static final JsonType<DepthwiseConvolution2D> JSON = ConvolutionLayer.JSON.extend(DepthwiseConvolution2D.class, DepthwiseConvolution2D::new)
            .field("depthMultiplier", COUNT, o -> o.depthMultiplier, (o, v) -> o.depthMultiplier = v)
            .build();

    protected int depthMultiplier = 1;

    protected DepthwiseConvolution2D() {}

    protected DepthwiseConvolution2D(Builder b) {
        super(b);
        this.depthMultiplier = b.depthMultiplier;
        if (nIn > 0 && nOut <= 0) nOut = nIn * depthMultiplier;
    }

    public int getDepthMultiplier() { return depthMultiplier; }
    public void setDepthMultiplier(int m) { this.depthMultiplier = m; }

    @Override
    protected int groups() { return (int) nIn; }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        long expected = nIn * depthMultiplier;
        if (nOut <= 0 || override) {
            nOut = expected;
        } else if (nOut != expected) {
            throw new IllegalArgumentException(nameForErrors() + ": nOut=" + nOut + " but nIn " + nIn + " x depthMultiplier " + depthMultiplier + " = " + expected);
        }
    }

    @Override
    public void validate() {
        if (depthMultiplier < 1) throw new IllegalArgumentException(nameForErrors() + ": depthMultiplier must be >= 1, got " + depthMultiplier);
        if (nIn > 0 && nOut <= 0) nOut = nIn * depthMultiplier;
        super.validate();
        if (nOut != nIn * depthMultiplier) {
            throw new IllegalArgumentException(nameForErrors() + ": nOut=" + nOut + " but nIn " + nIn + " x depthMultiplier " + depthMultiplier + " = " + nIn * depthMultiplier);
        }
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.ConvolutionLayer(conf, layerIndex);
    }

    public static class Builder extends BaseConvBuilder<Builder> {
        protected int depthMultiplier = 1;

        public Builder() {}

        /** No values keeps the default kernel (JPype calls this overload for a Python {@code Builder()}). */
        public Builder(int... kernelSize) { if (kernelSize.length > 0) kernelSize(kernelSize); }

        public Builder(int[] kernelSize, int[] stride) { kernelSize(kernelSize); stride(stride); }

        public Builder(int[] kernelSize, int[] stride, int[] padding) { kernelSize(kernelSize); stride(stride); padding(padding); }

        public Builder depthMultiplier(int m) { this.depthMultiplier = m; return this; }

        public DepthwiseConvolution2D build() { return new DepthwiseConvolution2D(this); }
    }
}
