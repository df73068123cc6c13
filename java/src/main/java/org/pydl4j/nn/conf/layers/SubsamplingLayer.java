package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.INT_ARRAY;
import static org.pydl4j.util.json.JsonCodecs.enumOf;

import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.ConvolutionUtils;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.util.json.JsonType;

/**
 * 2-d max/average pooling, as DL4J's SubsamplingLayer. Defaults as DL4J: MAX, kernel 1x1, stride 2x2, padding 0.
 * AVG excludes padded positions from the divisor.
 */
public class SubsamplingLayer extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<SubsamplingLayer> JSON = NoParamLayer.JSON.extend(SubsamplingLayer.class, SubsamplingLayer::new)
            .field("poolingType", enumOf(SubsamplingLayer.PoolingType.class), o -> o.poolingType, (o, v) -> o.poolingType = v)
            .field("kernelSize", INT_ARRAY, o -> o.kernelSize, (o, v) -> o.kernelSize = v)
            .field("stride", INT_ARRAY, o -> o.stride, (o, v) -> o.stride = v)
            .field("padding", INT_ARRAY, o -> o.padding, (o, v) -> o.padding = v)
            .field("convolutionMode", enumOf(ConvolutionMode.class), o -> o.convolutionMode, (o, v) -> o.convolutionMode = v)
            .build();

    public enum PoolingType {
        MAX, AVG;

        public org.pydl4j.nn.conf.layers.PoolingType toPoolingType() {
            return this == MAX ? org.pydl4j.nn.conf.layers.PoolingType.MAX : org.pydl4j.nn.conf.layers.PoolingType.AVG;
        }
    }

    protected PoolingType poolingType = PoolingType.MAX;
    protected int[] kernelSize = {1, 1};
    protected int[] stride = {2, 2};
    protected int[] padding = {0, 0};
    protected ConvolutionMode convolutionMode;

    protected SubsamplingLayer() {}

    protected SubsamplingLayer(Builder b) {
        super(b);
        this.poolingType = b.poolingType;
        this.kernelSize = b.kernelSize.clone();
        this.stride = b.stride.clone();
        this.padding = b.padding.clone();
        this.convolutionMode = b.convolutionMode;
    }

    public PoolingType getPoolingType() { return poolingType; }
    public int[] getKernelSize() { return kernelSize.clone(); }
    public int[] getStride() { return stride.clone(); }
    public int[] getPadding() { return padding.clone(); }
    public ConvolutionMode getConvolutionMode() { return convolutionMode; }
    public void setConvolutionMode(ConvolutionMode m) { this.convolutionMode = m; }

    public ConvParams convParams(long inH, long inW) {
        return ConvolutionUtils.resolve(layerName, convolutionMode, kernelSize, stride, padding, null, inH, inW, 1);
    }

    @Override
    public void applyGlobalConfiguration(NeuralNetConfiguration g) {
        super.applyGlobalConfiguration(g);
        if (convolutionMode == null) convolutionMode = g.getConvolutionMode();
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType t) { return flatImagePreProcessor(t); }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        InputType.InputTypeConvolutional c = convolutionalInput(t);
        ConvParams p = convParams(c.getHeight(), c.getWidth());
        return InputType.convolutional(p.outH(c.getHeight()), p.outW(c.getWidth()), c.getChannels());
    }

    @Override
    public void validate() {
        super.validate();
        for (int i = 0; i < 2; i++) {
            if (kernelSize[i] < 1 || stride[i] < 1 || padding[i] < 0) {
                throw new IllegalArgumentException(nameForErrors() + ": invalid kernel/stride/padding");
            }
        }
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.SubsamplingLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() {
        return poolingType + " k" + kernelSize[0] + "x" + kernelSize[1] + " s" + stride[0] + "x" + stride[1] + " " + convolutionMode;
    }

    public static class Builder extends Layer.Builder<Builder> {
        protected PoolingType poolingType = PoolingType.MAX;
        protected int[] kernelSize = {1, 1};
        protected int[] stride = {2, 2};
        protected int[] padding = {0, 0};
        protected ConvolutionMode convolutionMode;

        public Builder() {}
        public Builder(PoolingType t) { this.poolingType = t; }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t) { poolingType(t); }
        /** No values keeps the default kernel (JPype calls this overload for a Python {@code Builder()}). */
        public Builder(int... kernelSize) { if (kernelSize.length > 0) kernelSize(kernelSize); }
        public Builder(int[] kernelSize, int[] stride) { kernelSize(kernelSize); stride(stride); }
        public Builder(int[] kernelSize, int[] stride, int[] padding) { kernelSize(kernelSize); stride(stride); padding(padding); }
        public Builder(PoolingType t, int[] kernelSize) { this(t); kernelSize(kernelSize); }
        public Builder(PoolingType t, int[] kernelSize, int[] stride) { this(t); kernelSize(kernelSize); stride(stride); }
        public Builder(PoolingType t, int[] kernelSize, int[] stride, int[] padding) { this(t, kernelSize, stride); padding(padding); }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t, int[] kernelSize) { this(t); kernelSize(kernelSize); }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t, int[] kernelSize, int[] stride) { this(t); kernelSize(kernelSize); stride(stride); }
        public Builder(org.pydl4j.nn.conf.layers.PoolingType t, int[] kernelSize, int[] stride, int[] padding) { this(t, kernelSize, stride); padding(padding); }

        public Builder poolingType(PoolingType t) { this.poolingType = t; return this; }
        public Builder poolingType(org.pydl4j.nn.conf.layers.PoolingType t) {
            if (t == org.pydl4j.nn.conf.layers.PoolingType.SUM) throw new IllegalArgumentException("SubsamplingLayer supports MAX and AVG pooling, not SUM");
            this.poolingType = t == org.pydl4j.nn.conf.layers.PoolingType.MAX ? PoolingType.MAX : PoolingType.AVG;
            return this;
        }
        public Builder kernelSize(int... k) { this.kernelSize = ConvolutionLayer.two("kernelSize", k); return this; }
        public Builder stride(int... s) { this.stride = ConvolutionLayer.two("stride", s); return this; }
        public Builder padding(int... p) { this.padding = ConvolutionLayer.two("padding", p); return this; }
        public Builder convolutionMode(ConvolutionMode m) { this.convolutionMode = m; return this; }

        public SubsamplingLayer build() { return new SubsamplingLayer(this); }
    }
}
