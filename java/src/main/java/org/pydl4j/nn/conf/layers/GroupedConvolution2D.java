package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.COUNT;

import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.util.json.JsonType;

/**
 * A 2-d convolution in {@code groups} independent channel groups (ResNeXt, ShuffleNet; ONNX Conv with 1 &lt; group
 * &lt; channels): weights [nOut, nIn / groups, kH, kW], each output group sees only its input group. Depthwise
 * convolution is the case groups == nIn ({@link DepthwiseConvolution2D}). Runs on the convolution runtime.
 */
public class GroupedConvolution2D extends ConvolutionLayer {
    /** The saved fields (after ConvolutionLayer's). */
    public static final JsonType<GroupedConvolution2D> JSON = ConvolutionLayer.JSON.extend(GroupedConvolution2D.class, GroupedConvolution2D::new)
            .field("groups", COUNT, o -> o.groups, (o, v) -> o.groups = v)
            .build();

    protected int groups = 1;

    protected GroupedConvolution2D() {}

    protected GroupedConvolution2D(Builder b) {
        super(b);
        this.groups = b.groups;
    }

    public int getGroups() { return groups; }

    @Override
    protected int groups() { return groups; }

    @Override
    public void validate() {
        super.validate();
        if (groups < 1 || nIn % groups != 0 || nOut % groups != 0) {
            throw new IllegalArgumentException(nameForErrors() + ": groups=" + groups + " must divide nIn " + nIn + " and nOut " + nOut);
        }
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.ConvolutionLayer(conf, layerIndex);
    }

    public static class Builder extends BaseConvBuilder<Builder> {
        protected int groups = 1;

        public Builder(int... kernelSize) { if (kernelSize.length > 0) kernelSize(kernelSize); }

        public Builder groups(int g) { this.groups = g; return this; }

        public GroupedConvolution2D build() { return new GroupedConvolution2D(this); }
    }
}
