package org.pydl4j.nn.conf.inputs;

import static org.pydl4j.util.json.JsonCodecs.SIZE;

import org.pydl4j.util.json.JsonType;

/**
 * The type of activations flowing between vertices, as DL4J's InputType: feed-forward [minibatch, size],
 * convolutional [minibatch, channels, height, width] (NCHW) or flattened convolutional [minibatch, h*w*c].
 */
public abstract class InputType {
    /** The saved fields (see JsonType). */
    public static final JsonType<InputType> JSON = JsonType.declareAbstract(InputType.class)
            .build();

    public enum Type { FF, CNN, CNNFlat }

    public abstract Type getType();

    /** Shape of one minibatch of this type; minibatch -1 stands for "any". */
    public abstract long[] getShape(long minibatch);

    /** Number of values per example. */
    public abstract long arrayElementsPerExample();

    public static InputType feedForward(long size) { return new InputTypeFeedForward(size); }

    public static InputType convolutional(long height, long width, long channels) { return new InputTypeConvolutional(height, width, channels); }

    public static InputType convolutionalFlat(long height, long width, long channels) { return new InputTypeConvolutionalFlat(height, width, channels); }

    /** Value semantics over the declared (saved) fields. */
    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    public static class InputTypeFeedForward extends InputType {
        /** The saved fields (after InputType's). */
        public static final JsonType<InputType.InputTypeFeedForward> JSON = InputType.JSON.extend(InputType.InputTypeFeedForward.class, InputType.InputTypeFeedForward::new)
                .named("input.FeedForward")
                .field("size", SIZE, o -> o.size, (o, v) -> o.size = v)
                .build();

        private long size;

        private InputTypeFeedForward() {}

        public InputTypeFeedForward(long size) {
            if (size < 1) throw new IllegalArgumentException("feedForward size must be >= 1, got " + size);
            this.size = size;
        }

        public long getSize() { return size; }
        @Override public Type getType() { return Type.FF; }
        @Override public long[] getShape(long mb) { return new long[]{mb, size}; }
        @Override public long arrayElementsPerExample() { return size; }
        @Override public String toString() { return "InputTypeFeedForward(" + size + ")"; }
    }

    public static class InputTypeConvolutional extends InputType {
        /** The saved fields (after InputType's). */
        public static final JsonType<InputType.InputTypeConvolutional> JSON = InputType.JSON.extend(InputType.InputTypeConvolutional.class, InputType.InputTypeConvolutional::new)
                .named("input.Convolutional")
                .field("height", SIZE, o -> o.height, (o, v) -> o.height = v)
                .field("width", SIZE, o -> o.width, (o, v) -> o.width = v)
                .field("channels", SIZE, o -> o.channels, (o, v) -> o.channels = v)
                .build();

        private long height, width, channels;

        private InputTypeConvolutional() {}

        public InputTypeConvolutional(long height, long width, long channels) {
            if (height < 1 || width < 1 || channels < 1) {
                throw new IllegalArgumentException("convolutional input type needs positive sizes, got h=" + height + " w=" + width + " c=" + channels);
            }
            this.height = height; this.width = width; this.channels = channels;
        }

        public long getHeight() { return height; }
        public long getWidth() { return width; }
        public long getChannels() { return channels; }
        /** Alias of getChannels (older DL4J). */
        public long getDepth() { return channels; }
        @Override public Type getType() { return Type.CNN; }
        @Override public long[] getShape(long mb) { return new long[]{mb, channels, height, width}; }
        @Override public long arrayElementsPerExample() { return height * width * channels; }
        @Override public String toString() { return "InputTypeConvolutional(h=" + height + ",w=" + width + ",c=" + channels + ")"; }
    }

    public static class InputTypeConvolutionalFlat extends InputType {
        /** The saved fields (after InputType's). */
        public static final JsonType<InputType.InputTypeConvolutionalFlat> JSON = InputType.JSON.extend(InputType.InputTypeConvolutionalFlat.class, InputType.InputTypeConvolutionalFlat::new)
                .named("input.ConvolutionalFlat")
                .field("height", SIZE, o -> o.height, (o, v) -> o.height = v)
                .field("width", SIZE, o -> o.width, (o, v) -> o.width = v)
                .field("depth", SIZE, o -> o.depth, (o, v) -> o.depth = v)
                .build();

        private long height, width, depth;

        private InputTypeConvolutionalFlat() {}

        public InputTypeConvolutionalFlat(long height, long width, long depth) {
            if (height < 1 || width < 1 || depth < 1) {
                throw new IllegalArgumentException("convolutionalFlat input type needs positive sizes, got h=" + height + " w=" + width + " c=" + depth);
            }
            this.height = height; this.width = width; this.depth = depth;
        }

        public long getHeight() { return height; }
        public long getWidth() { return width; }
        public long getDepth() { return depth; }
        public long getFlattenedSize() { return height * width * depth; }
        public InputType getUnflattenedType() { return new InputTypeConvolutional(height, width, depth); }
        @Override public Type getType() { return Type.CNNFlat; }
        @Override public long[] getShape(long mb) { return new long[]{mb, height * width * depth}; }
        @Override public long arrayElementsPerExample() { return height * width * depth; }
        @Override public String toString() { return "InputTypeConvolutionalFlat(h=" + height + ",w=" + width + ",c=" + depth + ")"; }
    }
}
