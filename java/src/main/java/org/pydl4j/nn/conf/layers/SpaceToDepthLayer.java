package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.COUNT;

import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Moves b x b spatial blocks into channels, as DL4J's SpaceToDepthLayer (TensorFlow's space_to_depth, NCHW):
 * [N, C, H, W] -> [N, C*b*b, H/b, W/b], output channel (dy*b + dx)*C + c holds input (c, y*b + dy, x*b + dx).
 */
public class SpaceToDepthLayer extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<SpaceToDepthLayer> JSON = NoParamLayer.JSON.extend(SpaceToDepthLayer.class, SpaceToDepthLayer::new)
            .field("blockSize", COUNT, o -> o.blockSize, (o, v) -> o.blockSize = v)
            .build();

    /** DL4J's SpaceToDepthLayer.DataFormat; only NCHW exists here. */
    public enum DataFormat { NCHW, NHWC }

    protected int blockSize = 2;

    protected SpaceToDepthLayer() {}

    protected SpaceToDepthLayer(Builder b) {
        super(b);
        this.blockSize = b.blockSize;
    }

    public int getBlockSize() { return blockSize; }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType t) { return flatImagePreProcessor(t); }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) {
        InputType.InputTypeConvolutional c = convolutionalInput(t);
        if (c.getHeight() % blockSize != 0 || c.getWidth() % blockSize != 0) {
            throw new IllegalArgumentException(nameForErrors() + ": height and width must be multiples of blockSize " + blockSize + ", got " + t);
        }
        return InputType.convolutional(c.getHeight() / blockSize, c.getWidth() / blockSize, c.getChannels() * blockSize * blockSize);
    }

    @Override
    public void validate() {
        super.validate();
        if (blockSize < 1) throw new IllegalArgumentException(nameForErrors() + ": blockSize must be >= 1, got " + blockSize);
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.convolution.SpaceToDepth(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return "block " + blockSize; }

    public static class Builder extends Layer.Builder<Builder> {
        protected int blockSize = 2;

        public Builder() {}

        public Builder(int blockSize) { blocks(blockSize); }

        public Builder(int blockSize, DataFormat dataFormat) {
            this(blockSize);
            dataFormat(dataFormat);
        }

        public Builder blocks(int blockSize) { this.blockSize = blockSize; return this; }

        public Builder dataFormat(DataFormat dataFormat) {
            if (dataFormat != DataFormat.NCHW) throw new IllegalArgumentException("SpaceToDepthLayer: data format " + dataFormat + " is not supported (NCHW is)");
            return this;
        }

        public SpaceToDepthLayer build() { return new SpaceToDepthLayer(this); }
    }
}
