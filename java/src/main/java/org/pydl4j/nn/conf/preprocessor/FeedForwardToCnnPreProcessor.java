package org.pydl4j.nn.conf.preprocessor;

import static org.pydl4j.util.json.JsonCodecs.SIZE;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/** Reshapes [N, C*H*W] (C order) to [N, C, H, W], as DL4J; gradients are flattened back. */
public class FeedForwardToCnnPreProcessor implements InputPreProcessor {
    /** The saved fields (see JsonType). */
    public static final JsonType<FeedForwardToCnnPreProcessor> JSON = JsonType.declare(FeedForwardToCnnPreProcessor.class, FeedForwardToCnnPreProcessor::new)
            .named("preprocessor.FeedForwardToCnn")
            .field("inputHeight", SIZE, o -> o.inputHeight, (o, v) -> o.inputHeight = v)
            .field("inputWidth", SIZE, o -> o.inputWidth, (o, v) -> o.inputWidth = v)
            .field("numChannels", SIZE, o -> o.numChannels, (o, v) -> o.numChannels = v)
            .build();

    private long inputHeight, inputWidth, numChannels;

    public FeedForwardToCnnPreProcessor() {}

    public FeedForwardToCnnPreProcessor(long inputHeight, long inputWidth, long numChannels) {
        this.inputHeight = inputHeight; this.inputWidth = inputWidth; this.numChannels = numChannels;
    }

    public long getInputHeight() { return inputHeight; }
    public long getInputWidth() { return inputWidth; }
    public long getNumChannels() { return numChannels; }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize) {
        if (input.rank() == 4) return input;
        if (input.rank() != 2 || input.size(1) != inputHeight * inputWidth * numChannels) {
            throw new IllegalArgumentException("FeedForwardToCnnPreProcessor: expected [minibatch, " + (inputHeight * inputWidth * numChannels)
                    + "], got " + Arrays.toString(input.shape()));
        }
        return input.reshape(input.size(0), numChannels, inputHeight, inputWidth);
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize) {
        return output.reshape(output.size(0), output.length() / output.size(0));
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (inputType.arrayElementsPerExample() != inputHeight * inputWidth * numChannels) {
            throw new IllegalArgumentException("FeedForwardToCnnPreProcessor: input type " + inputType + " does not hold " + numChannels + "x"
                    + inputHeight + "x" + inputWidth);
        }
        return InputType.convolutional(inputHeight, inputWidth, numChannels);
    }

    @Override public FeedForwardToCnnPreProcessor clone() { return JsonType.valueCopy(this); }

    /** Value semantics over the declared (saved) fields. */
    @Override
    public boolean equals(Object o) { return JsonType.valueEquals(this, o); }

    @Override
    public int hashCode() { return JsonType.valueHash(this); }

    @Override
    public String toString() { return "FeedForwardToCnnPreProcessor(h=" + inputHeight + ",w=" + inputWidth + ",c=" + numChannels + ")"; }
}
