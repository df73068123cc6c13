package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.SIZE;

import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.util.json.JsonType;

/** A layer with nIn inputs and nOut outputs per example, as DL4J's FeedForwardLayer. 0 means "not set". */
public abstract class FeedForwardLayer extends BaseLayer {
    /** The saved fields (after BaseLayer's). */
    public static final JsonType<FeedForwardLayer> JSON = BaseLayer.JSON.extendAbstract(FeedForwardLayer.class)
            .field("nIn", SIZE, o -> o.nIn, (o, v) -> o.nIn = v)
            .field("nOut", SIZE, o -> o.nOut, (o, v) -> o.nOut = v)
            .build();

    protected long nIn;
    protected long nOut;

    protected FeedForwardLayer() {}

    protected FeedForwardLayer(Builder<?> b) {
        super(b);
        this.nIn = b.nIn;
        this.nOut = b.nOut;
    }

    public long getNIn() { return nIn; }
    public long getNOut() { return nOut; }
    public void setNIn(long nIn) { this.nIn = nIn; }
    public void setNOut(long nOut) { this.nOut = nOut; }

    /** nIn implied by an input type (after preprocessing). */
    protected long inferNIn(InputType t) {
        if (t.getType() == InputType.Type.CNN) {
            throw new IllegalArgumentException(nameForErrors() + ": expects feed-forward input, got " + t);
        }
        return t.arrayElementsPerExample();
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        long inferred = inferNIn(inputType);
        if (nIn <= 0 || override) {
            nIn = inferred;
        } else if (nIn != inferred) {
            throw new IllegalArgumentException(nameForErrors() + ": nIn=" + nIn + " but the incoming activations have size " + inferred
                    + " (" + inputType + ")");
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType t) {
        if (t.getType() == InputType.Type.CNN) {
            InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) t;
            return new CnnToFeedForwardPreProcessor(c.getHeight(), c.getWidth(), c.getChannels());
        }
        return null;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType.getType() == InputType.Type.CNN) {
            throw new IllegalArgumentException(nameForErrors() + ": expects feed-forward input, got " + inputType);
        }
        return InputType.feedForward(nOut);
    }

    @Override
    public void validate() {
        super.validate();
        if (nIn <= 0) throw new IllegalArgumentException(nameForErrors() + ": nIn is not set (set it or call setInputTypes)");
        if (nOut <= 0) throw new IllegalArgumentException(nameForErrors() + ": nOut is not set");
    }

    @Override
    public String describeSizes() { return nIn + " -> " + nOut; }

    public abstract static class Builder<T extends Builder<T>> extends BaseLayer.Builder<T> {
        protected long nIn;
        protected long nOut;

        public T nIn(long nIn) { this.nIn = nIn; return self(); }
        public T nIn(int nIn) { return nIn((long) nIn); }
        public T nOut(long nOut) { this.nOut = nOut; return self(); }
        public T nOut(int nOut) { return nOut((long) nOut); }
        public T units(int nOut) { return nOut((long) nOut); }
    }
}
