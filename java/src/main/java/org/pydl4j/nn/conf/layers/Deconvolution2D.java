package org.pydl4j.nn.conf.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Transposed 2-d convolution, as DL4J's Deconvolution2D: W [nIn, nOut, kH, kW], b [1, nOut]. Input pixel (y, x)
 * adds W * value to the output window whose top-left is (y*sH - padTop, x*sW - padLeft). Output size: Same mode
 * in*s; otherwise (in-1)*s + k - 2*pad. Dilation is not supported.
 */
public class Deconvolution2D extends ConvolutionLayer {
    /** The saved fields (after ConvolutionLayer's). */
    public static final JsonType<Deconvolution2D> JSON = ConvolutionLayer.JSON.extend(Deconvolution2D.class, Deconvolution2D::new)
            .build();

    protected Deconvolution2D() {}

    protected Deconvolution2D(Builder b) { super(b); }

    /** Output size and the padding before the first row/column, for one spatial dimension. */
    public long[] outAndPadBefore(long in, int dim) {
        int k = kernelSize[dim], s = stride[dim];
        if (convolutionMode == ConvolutionMode.Same) {
            long out = in * s, total = Math.max(0, (in - 1) * s + k - out);
            return new long[]{out, total / 2};
        }
        long out = (in - 1) * s + k - 2L * padding[dim];
        if (out < 1) throw new IllegalArgumentException(nameForErrors() + ": input size " + in + " gives output size " + out);
        return new long[]{out, padding[dim]};
    }

    /**
     * The geometry of the convolution this layer is the transpose of: that convolution maps the [outH, outW] output
     * back to the [inH, inW] input (weights W as OIHW with O = nIn), so the forward pass is its backward-data step.
     */
    public ConvParams transposedConvParams(long inH, long inW) {
        long[] h = outAndPadBefore(inH, 0), w = outAndPadBefore(inW, 1);
        int padBottom = (int) ((inH - 1) * stride[0] + kernelSize[0] - h[0] - h[1]);
        int padRight = (int) ((inW - 1) * stride[1] + kernelSize[1] - w[0] - w[1]);
        return new ConvParams(kernelSize[0], kernelSize[1], stride[0], stride[1], (int) h[1], (int) w[1], padBottom, padRight, 1, 1, 1);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        InputType.InputTypeConvolutional c = convolutionalInput(t);
        return InputType.convolutional(outAndPadBefore(c.getHeight(), 0)[0], outAndPadBefore(c.getWidth(), 1)[0], nOut);
    }

    @Override
    public Map<String, long[]> paramShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("W", new long[]{nIn, nOut, kernelSize[0], kernelSize[1]});
        if (hasBias) m.put("b", new long[]{1, nOut});
        return m;
    }

    @Override
    public void initializeParams(Map<String, INDArray> params, Random rng) {
        double k = (double) kernelSize[0] * kernelSize[1];
        initWeights(nIn * k, nOut * k, params.get("W"), rng);
        if (hasBias) params.get("b").assign(biasInit);
    }

    @Override
    public void validate() {
        super.validate();
        if (dilation[0] != 1 || dilation[1] != 1) throw new IllegalArgumentException(nameForErrors() + ": dilation is not supported");
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.convolution.Deconvolution2DLayer(conf, layerIndex);
    }

    public static class Builder extends BaseConvBuilder<Builder> {
        public Builder() { kernelSize = new int[]{2, 2}; stride = new int[]{2, 2}; }

        public Builder(int[] kernelSize, int[] stride, int[] padding) { kernelSize(kernelSize); stride(stride); padding(padding); }

        public Builder(int[] kernelSize, int[] stride) { kernelSize(kernelSize); stride(stride); }

        public Builder(int... kernelSize) { this(); if (kernelSize.length > 0) kernelSize(kernelSize); }

        public Deconvolution2D build() { return new Deconvolution2D(this); }
    }
}
