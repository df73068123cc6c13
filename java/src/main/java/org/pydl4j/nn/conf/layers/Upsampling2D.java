package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.INT_ARRAY;

import java.util.Arrays;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Nearest-neighbour upsampling of [N, C, H, W] by {sH, sW}, as DL4J's Upsampling2D (default size 1). */
public class Upsampling2D extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<Upsampling2D> JSON = NoParamLayer.JSON.extend(Upsampling2D.class, Upsampling2D::new)
            .field("size", INT_ARRAY, o -> o.size, (o, v) -> o.size = v)
            .build();

    protected int[] size = {1, 1};

    protected Upsampling2D() {}

    protected Upsampling2D(Builder b) {
        super(b);
        this.size = b.size.clone();
    }

    /** {sH, sW}. */
    public int[] getSize() { return size.clone(); }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType t) { return flatImagePreProcessor(t); }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        InputType.InputTypeConvolutional c = convolutionalInput(t);
        return InputType.convolutional(c.getHeight() * size[0], c.getWidth() * size[1], c.getChannels());
    }

    @Override
    public void validate() {
        super.validate();
        if (size.length != 2 || size[0] < 1 || size[1] < 1) throw new IllegalArgumentException(nameForErrors() + ": size must be 2 values >= 1, got " + Arrays.toString(size));
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.convolution.Upsampling2DLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return "x" + size[0] + "x" + size[1]; }

    public static class Builder extends Layer.Builder<Builder> {
        protected int[] size = {1, 1};

        public Builder() {}

        public Builder(int size) { size(size); }

        public Builder size(int size) { return size(new int[]{size, size}); }

        public Builder size(int[] size) { this.size = ConvolutionLayer.two("size", size); return this; }

        public Upsampling2D build() { return new Upsampling2D(this); }
    }
}
