package org.pydl4j.nn.conf.preprocessor;

import static org.pydl4j.util.json.JsonCodecs.SIZE;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Flattens [N, C, H, W] to [N, C*H*W] in C order (channel major), as DL4J; gradients are reshaped back. */
public class CnnToFeedForwardPreProcessor implements InputPreProcessor {
    /** The saved fields (see JsonType). */
    public static final JsonType<CnnToFeedForwardPreProcessor> JSON = JsonType.declare(CnnToFeedForwardPreProcessor.class, CnnToFeedForwardPreProcessor::new)
            .named("preprocessor.CnnToFeedForward")
            .field("inputHeight", SIZE, o -> o.inputHeight, (o, v) -> o.inputHeight = v)
            .field("inputWidth", SIZE, o -> o.inputWidth, (o, v) -> o.inputWidth = v)
            .field("numChannels", SIZE, o -> o.numChannels, (o, v) -> o.numChannels = v)
            .build();

    private long inputHeight, inputWidth, numChannels;

    public CnnToFeedForwardPreProcessor() {}

    public CnnToFeedForwardPreProcessor(long inputHeight, long inputWidth, long numChannels) {
        this.inputHeight = inputHeight; this.inputWidth = inputWidth; this.numChannels = numChannels;
    }

    public long getInputHeight() { return inputHeight; }
    public long getInputWidth() { return inputWidth; }
    public long getNumChannels() { return numChannels; }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize) {
        if (input.rank() == 2) return input;
        if (input.rank() != 4 || (numChannels > 0 && (input.size(1) != numChannels || input.size(2) != inputHeight || input.size(3) != inputWidth))) {
            throw new IllegalArgumentException("CnnToFeedForwardPreProcessor: expected [minibatch, " + numChannels + ", " + inputHeight + ", "
                    + inputWidth + "], got " + Arrays.toString(input.shape()));
        }
        return input.reshape(input.size(0), input.length() / input.size(0));
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize) {
        if (output.rank() == 4) return output;
        return output.reshape(output.size(0), numChannels, inputHeight, inputWidth);
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (inputType.getType() == InputType.Type.CNN) {
            InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
            return InputType.feedForward(c.getHeight() * c.getWidth() * c.getChannels());
        }
        if (inputType.getType() == InputType.Type.CNNFlat) return InputType.feedForward(inputType.arrayElementsPerExample());
        throw new IllegalArgumentException("CnnToFeedForwardPreProcessor: input type " + inputType + " is not convolutional");
    }

    @Override public CnnToFeedForwardPreProcessor clone() { return JsonType.valueCopy(this); }

    /** Value semantics over the declared (saved) fields. */
    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    @Override
    public String toString() { return "CnnToFeedForwardPreProcessor(h=" + inputHeight + ",w=" + inputWidth + ",c=" + numChannels + ")"; }
}
