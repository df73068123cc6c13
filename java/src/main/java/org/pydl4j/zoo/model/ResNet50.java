package org.pydl4j.zoo.model;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * ResNet-50 (He et al., 2015; the v1 of Keras Applications: stride in the first 1x1 of a block, biased
 * convolutions, batch norm eps 1.001e-5) with Keras' layer names: conv1_pad, conv1_conv, conv1_bn, conv1_relu,
 * pool1_pad, pool1_pool, then per block {@code conv<stage>_block<i>_<0..3>_conv/_bn/_relu}, {@code _add},
 * {@code _out}, then avg_pool (2048-d features) and predictions. {@code ResNet50.builder().build()}, as DL4J's.
 *
 * <p>Keras' weights expect BGR input minus the ImageNet BGR mean ("caffe" preprocessing); the importer reverses
 * conv1_conv's input channels so this network takes RGB minus the RGB mean, like VGG-16 here.
 */
public class ResNet50 extends KerasApplication {
    static final double BN_EPS = 1.001e-5;
    /** Stage rows: blocks, bottleneck width (the output is 4x), stride of the first block. */
    private static final int[][] STAGES = {{3, 64, 1}, {4, 128, 2}, {6, 256, 2}, {3, 512, 2}};

    protected ResNet50() {}

    public static Builder builder() { return new Builder(); }

    @Override protected String family() { return "resnet50"; }
    @Override protected String featureVertex() { return "avg_pool"; }
    @Override protected double[] mean() { return Vgg.MEAN.clone(); }
    @Override protected double[] std() { return Vgg.STD.clone(); }

    @Override
    protected String[] kerasFile(boolean top) {
        return top ? new String[]{"resnet", "resnet50_weights_tf_dim_ordering_tf_kernels.h5", "2cb95161c43110f7111970584f804107"}
                : new String[]{"resnet", "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", "4d473c1dd8becc155b73f8504c6f6626"};
    }

    @Override
    public ComputationGraphConfiguration conf() {
        ComputationGraphConfiguration.GraphBuilder g = graphBuilder();
        String x = layer(g, "conv1_pad", "input_1", new ZeroPaddingLayer.Builder(3, 3).build());
        x = layer(g, "conv1_conv", x, conv(7, 2, 64));
        x = act(g, "conv1_relu", bn(g, "conv1_bn", x, BN_EPS), Activation.RELU);
        x = layer(g, "pool1_pad", x, new ZeroPaddingLayer.Builder(1, 1).build());
        x = layer(g, "pool1_pool", x, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build());
        for (int s = 0; s < STAGES.length; s++) {
            for (int b = 0; b < STAGES[s][0]; b++) {
                x = block(g, "conv" + (s + 2) + "_block" + (b + 1), x, STAGES[s][1], b == 0 ? STAGES[s][2] : 1, b == 0);
            }
        }
        String last = top(g, "avg_pool", x, 2048);
        return g.setOutputs(last).setInputTypes(InputType.convolutional(inputShape[1], inputShape[2], inputShape[0])).build();
    }

    /** Keras' block1: 1x1 (stride) -> 3x3 -> 1x1 (4x width), plus the input or a 1x1 projection "_0". */
    private static String block(ComputationGraphConfiguration.GraphBuilder g, String p, String in, int width, int stride, boolean project) {
        String shortcut = in;
        if (project) shortcut = bn(g, p + "_0_bn", layer(g, p + "_0_conv", in, conv(1, stride, 4 * width)), BN_EPS);
        String x = act(g, p + "_1_relu", bn(g, p + "_1_bn", layer(g, p + "_1_conv", in, conv(1, stride, width)), BN_EPS), Activation.RELU);
        x = act(g, p + "_2_relu", bn(g, p + "_2_bn", layer(g, p + "_2_conv", x, conv(3, 1, width)), BN_EPS), Activation.RELU);
        x = bn(g, p + "_3_bn", layer(g, p + "_3_conv", x, conv(1, 1, 4 * width)), BN_EPS);
        g.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), shortcut, x);
        return act(g, p + "_out", p + "_add", Activation.RELU);
    }

    /** A biased kxk convolution, TF-SAME padding (Keras' 3x3 "same"; 1x1 and the padded stem need none). */
    private static ConvolutionLayer conv(int k, int stride, int nOut) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).nOut(nOut)
                .convolutionMode(k == 3 ? ConvolutionMode.Same : ConvolutionMode.Truncate).activation(Activation.IDENTITY).build();
    }

    public static class Builder extends KerasApplication.Builder<ResNet50, Builder> {
        Builder() { super(new ResNet50()); }
    }
}
