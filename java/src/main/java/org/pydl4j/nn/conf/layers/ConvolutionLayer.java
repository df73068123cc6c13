package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.BOOLEAN;
import static org.pydl4j.util.json.JsonCodecs.INT_ARRAY;
import static org.pydl4j.util.json.JsonCodecs.enumOf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.ConvolutionUtils;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.util.json.JsonType;

/**
 * 2-d convolution over NCHW input, as DL4J's ConvolutionLayer: weights W [nOut, nIn, kH, kW], bias b [1, nOut].
 * Defaults as DL4J: kernel 5x5, stride 1x1, padding 0, ConvolutionMode from the network (Truncate by default).
 */
public class ConvolutionLayer extends FeedForwardLayer {
    /** The saved fields (after FeedForwardLayer's). */
    public static final JsonType<ConvolutionLayer> JSON = FeedForwardLayer.JSON.extend(ConvolutionLayer.class, ConvolutionLayer::new)
            .field("kernelSize", INT_ARRAY, o -> o.kernelSize, (o, v) -> o.kernelSize = v)
            .field("stride", INT_ARRAY, o -> o.stride, (o, v) -> o.stride = v)
            .field("padding", INT_ARRAY, o -> o.padding, (o, v) -> o.padding = v)
            .field("dilation", INT_ARRAY, o -> o.dilation, (o, v) -> o.dilation = v)
            .field("convolutionMode", enumOf(ConvolutionMode.class), o -> o.convolutionMode, (o, v) -> o.convolutionMode = v)
            .field("hasBias", BOOLEAN, o -> o.hasBias, (o, v) -> o.hasBias = v)
            .field("cudnnAlgoMode", enumOf(ConvolutionLayer.AlgoMode.class), o -> o.cudnnAlgoMode, (o, v) -> o.cudnnAlgoMode = v)
            .build();

    protected int[] kernelSize = {5, 5};
    protected int[] stride = {1, 1};
    protected int[] padding = {0, 0};
    protected int[] dilation = {1, 1};
    protected ConvolutionMode convolutionMode;
    protected boolean hasBias = true;
    /** cuDNN algorithm choice (DL4J's cudnnAlgoMode); null: the network default. */
    protected AlgoMode cudnnAlgoMode;

    /**
     * DL4J's ConvolutionLayer.AlgoMode. Accepted and kept with the configuration (and its JSON). The backends choose
     * their algorithms themselves: oneDNN its own kernels; the cuda backend always takes cuDNN's fastest measured
     * algorithm whose workspace fits, i.e. PREFER_FASTEST; NO_WORKSPACE and USER_SPECIFIED do not change that yet.
     */
    public enum AlgoMode { NO_WORKSPACE, PREFER_FASTEST, USER_SPECIFIED }

    protected ConvolutionLayer() {}

    protected ConvolutionLayer(BaseConvBuilder<?> b) {
        super(b);
        this.kernelSize = b.kernelSize.clone();
        this.stride = b.stride.clone();
        this.padding = b.padding.clone();
        this.dilation = b.dilation.clone();
        this.convolutionMode = b.convolutionMode;
        this.hasBias = b.hasBias;
        this.cudnnAlgoMode = b.cudnnAlgoMode;
    }

    public AlgoMode getCudnnAlgoMode() { return cudnnAlgoMode; }
    public void setCudnnAlgoMode(AlgoMode m) { this.cudnnAlgoMode = m; }

    public int[] getKernelSize() { return kernelSize.clone(); }
    public int[] getStride() { return stride.clone(); }
    public int[] getPadding() { return padding.clone(); }
    public int[] getDilation() { return dilation.clone(); }
    public ConvolutionMode getConvolutionMode() { return convolutionMode; }
    public boolean hasBias() { return hasBias; }
    public void setKernelSize(int... k) { this.kernelSize = two("kernelSize", k); }
    public void setStride(int... s) { this.stride = two("stride", s); }
    public void setPadding(int... p) { this.padding = two("padding", p); }
    public void setConvolutionMode(ConvolutionMode m) { this.convolutionMode = m; }
    public void setHasBias(boolean b) { this.hasBias = b; }

    static int[] two(String what, int... v) {
        if (v == null || (v.length != 1 && v.length != 2)) throw new IllegalArgumentException(what + " needs 1 or 2 values, got " + Arrays.toString(v));
        return v.length == 1 ? new int[]{v[0], v[0]} : v.clone();
    }

    /** Number of groups of the convolution (1; channels for depthwise). */
    protected int groups() { return 1; }

    /** The explicit geometry for an input of inH x inW (resolves ConvolutionMode). */
    public ConvParams convParams(long inH, long inW) {
        return ConvolutionUtils.resolve(layerName, convolutionMode, kernelSize, stride, padding, dilation, inH, inW, groups());
    }

    @Override
    public void applyGlobalConfiguration(NeuralNetConfiguration g) {
        super.applyGlobalConfiguration(g);
        if (convolutionMode == null) convolutionMode = g.getConvolutionMode();
        if (cudnnAlgoMode == null) cudnnAlgoMode = g.getCudnnAlgoMode();
    }

    @Override
    protected long inferNIn(InputType t) {
        return convolutionalInput(t).getChannels();
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType t) { return flatImagePreProcessor(t); }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        InputType.InputTypeConvolutional c = convolutionalInput(t);
        ConvParams p = convParams(c.getHeight(), c.getWidth());
        return InputType.convolutional(p.outH(c.getHeight()), p.outW(c.getWidth()), nOut);
    }

    @Override
    public Map<String, long[]> paramShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("W", new long[]{nOut, nIn / groups(), kernelSize[0], kernelSize[1]});
        if (hasBias) m.put("b", new long[]{1, nOut});
        return m;
    }

    @Override
    public void initializeParams(Map<String, INDArray> params, Random rng) {
        double k = (double) kernelSize[0] * kernelSize[1];
        double fanIn = (nIn / groups()) * k;
        double fanOut = nOut / (double) groups() * k / ((double) stride[0] * stride[1]);
        initWeights(fanIn, fanOut, params.get("W"), rng);
        if (hasBias) params.get("b").assign(biasInit);
    }

    @Override
    public void validate() {
        super.validate();
        two("kernelSize", kernelSize); two("stride", stride); two("padding", padding);
        for (int i = 0; i < 2; i++) {
            if (kernelSize[i] < 1 || stride[i] < 1 || padding[i] < 0 || dilation[i] < 1) {
                throw new IllegalArgumentException(nameForErrors() + ": invalid kernel " + Arrays.toString(kernelSize) + " stride "
                        + Arrays.toString(stride) + " padding " + Arrays.toString(padding));
            }
        }
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.ConvolutionLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() {
        return nIn + " -> " + nOut + " (k" + kernelSize[0] + "x" + kernelSize[1] + " s" + stride[0] + "x" + stride[1] + " " + convolutionMode + ")";
    }

    /** Settings shared by convolution builders. */
    public abstract static class BaseConvBuilder<T extends BaseConvBuilder<T>> extends FeedForwardLayer.Builder<T> {
        protected int[] kernelSize = {5, 5};
        protected int[] stride = {1, 1};
        protected int[] padding = {0, 0};
        protected int[] dilation = {1, 1};
        protected ConvolutionMode convolutionMode;
        protected boolean hasBias = true;
        protected AlgoMode cudnnAlgoMode;

        public T cudnnAlgoMode(AlgoMode mode) { this.cudnnAlgoMode = mode; return self(); }
        public T kernelSize(int... k) { this.kernelSize = two("kernelSize", k); return self(); }
        public T stride(int... s) { this.stride = two("stride", s); return self(); }
        public T padding(int... p) { this.padding = two("padding", p); return self(); }
        public T dilation(int... d) { this.dilation = two("dilation", d); return self(); }
        public T convolutionMode(ConvolutionMode m) { this.convolutionMode = m; return self(); }
        public T hasBias(boolean b) { this.hasBias = b; return self(); }
    }

    public static class Builder extends BaseConvBuilder<Builder> {
        public Builder() {}

        /** No values keeps the default kernel (JPype calls this overload for a Python {@code Builder()}). */
        public Builder(int... kernelSize) { if (kernelSize.length > 0) kernelSize(kernelSize); }

        public Builder(int[] kernelSize, int[] stride) { kernelSize(kernelSize); stride(stride); }

        public Builder(int[] kernelSize, int[] stride, int[] padding) { kernelSize(kernelSize); stride(stride); padding(padding); }

        public ConvolutionLayer build() { return new ConvolutionLayer(this); }
    }
}
