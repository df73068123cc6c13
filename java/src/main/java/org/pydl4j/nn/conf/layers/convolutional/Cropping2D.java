package org.pydl4j.nn.conf.layers.convolutional;

import static org.pydl4j.util.json.JsonCodecs.INT_ARRAY;

import java.util.Arrays;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.NoParamLayer;
import org.pydl4j.util.json.JsonType;

/** Crops [N, C, H, W]: {top, bottom, left, right} rows/columns removed, as DL4J's Cropping2D. */
public class Cropping2D extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<Cropping2D> JSON = NoParamLayer.JSON.extend(Cropping2D.class, Cropping2D::new)
            .field("cropping", INT_ARRAY, o -> o.cropping, (o, v) -> o.cropping = v)
            .build();

    protected int[] cropping = {0, 0, 0, 0};

    protected Cropping2D() {}

    protected Cropping2D(Builder b) {
        super(b);
        this.cropping = b.cropping.clone();
    }

    public Cropping2D(int cropTopBottom, int cropLeftRight) { this(cropTopBottom, cropTopBottom, cropLeftRight, cropLeftRight); }

    public Cropping2D(int cropTop, int cropBottom, int cropLeft, int cropRight) { this.cropping = new int[]{cropTop, cropBottom, cropLeft, cropRight}; }

    /** {top, bottom, left, right}. */
    public int[] getCropping() { return cropping.clone(); }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType t) { return null; }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        if (t.getType() != InputType.Type.CNN) throw new IllegalArgumentException(nameForErrors() + ": expects convolutional input, got " + t);
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) t;
        long h = c.getHeight() - cropping[0] - cropping[1], w = c.getWidth() - cropping[2] - cropping[3];
        if (h < 1 || w < 1) throw new IllegalArgumentException(nameForErrors() + ": cropping " + Arrays.toString(cropping) + " leaves nothing of " + t);
        return InputType.convolutional(h, w, c.getChannels());
    }

    @Override
    public void validate() {
        super.validate();
        if (cropping.length != 4 || Arrays.stream(cropping).anyMatch(p -> p < 0)) {
            throw new IllegalArgumentException(nameForErrors() + ": cropping must be 4 values >= 0 {top,bottom,left,right}, got " + Arrays.toString(cropping));
        }
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.convolution.Cropping2DLayer(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return "crop " + Arrays.toString(cropping); }

    public static class Builder extends Layer.Builder<Builder> {
        protected int[] cropping = {0, 0, 0, 0};

        public Builder() {}

        /** 2 values {topBottom, leftRight} or 4 values {top, bottom, left, right}. */
        public Builder(int... cropping) { setCropping(cropping); }

        public Builder setCropping(int... cropping) {
            if (cropping.length == 2) this.cropping = new int[]{cropping[0], cropping[0], cropping[1], cropping[1]};
            else if (cropping.length == 4) this.cropping = cropping.clone();
            else throw new IllegalArgumentException("cropping needs 2 or 4 values, got " + Arrays.toString(cropping));
            return this;
        }

        public Cropping2D build() { return new Cropping2D(this); }
    }
}
