package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.INT_ARRAY;

import java.util.Arrays;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Pads [N, C, H, W] with zeros: padding {top, bottom, left, right}, as DL4J's ZeroPaddingLayer. */
public class ZeroPaddingLayer extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<ZeroPaddingLayer> JSON = NoParamLayer.JSON.extend(ZeroPaddingLayer.class, ZeroPaddingLayer::new)
            .field("padding", INT_ARRAY, o -> o.padding, (o, v) -> o.padding = v)
            .build();

    protected int[] padding = {0, 0, 0, 0};

    protected ZeroPaddingLayer() {}

    protected ZeroPaddingLayer(Builder b) {
        super(b);
        this.padding = b.padding.clone();
    }

    public ZeroPaddingLayer(int padTopBottom, int padLeftRight) { this(padTopBottom, padTopBottom, padLeftRight, padLeftRight); }

    public ZeroPaddingLayer(int top, int bottom, int left, int right) { this.padding = new int[]{top, bottom, left, right}; }

    /** {top, bottom, left, right}. */
    public int[] getPadding() { return padding.clone(); }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        InputType.InputTypeConvolutional c = convolutionalInput(t);
        return InputType.convolutional(c.getHeight() + padding[0] + padding[1], c.getWidth() + padding[2] + padding[3], c.getChannels());
    }

    @Override
    public void validate() {
        super.validate();
        if (padding.length != 4 || Arrays.stream(padding).anyMatch(p -> p < 0)) {
            throw new IllegalArgumentException(nameForErrors() + ": padding must be 4 values >= 0 {top,bottom,left,right}, got " + Arrays.toString(padding));
        }
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.ZeroPaddingLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return "pad " + Arrays.toString(padding); }

    public static class Builder extends Layer.Builder<Builder> {
        protected int[] padding = {0, 0, 0, 0};

        public Builder(int padTopBottom, int padLeftRight) { this(padTopBottom, padTopBottom, padLeftRight, padLeftRight); }

        public Builder(int top, int bottom, int left, int right) { this.padding = new int[]{top, bottom, left, right}; }

        /** 2 values {height, width} or 4 values {top, bottom, left, right}. */
        public Builder(int[] padding) {
            if (padding.length == 2) this.padding = new int[]{padding[0], padding[0], padding[1], padding[1]};
            else if (padding.length == 4) this.padding = padding.clone();
            else throw new IllegalArgumentException("padding needs 2 or 4 values, got " + Arrays.toString(padding));
        }

        public ZeroPaddingLayer build() { return new ZeroPaddingLayer(this); }
    }
}
