package org.pydl4j.zoo.model;

import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * MobileNetV2 (Sandler et al., 2018), width 1.0, with Keras' layer names: Conv1, bn_Conv1, Conv1_relu, the
 * inverted residual blocks ({@code expanded_conv_*} for block 0, {@code block_<i>_expand/_expand_BN/_expand_relu},
 * {@code _pad} before a stride-2 depthwise, {@code _depthwise/_depthwise_BN/_depthwise_relu},
 * {@code _project/_project_BN}, {@code _add}), Conv_1, Conv_1_bn, out_relu, global_average_pooling2d (1280-d
 * features) and predictions. Preprocessing as Keras' "tf" mode: x / 127.5 - 1.
 */
public class MobileNetV2 extends KerasApplication {
    static final double BN_EPS = 1e-3;
    /** Block rows: expansion, output channels, repeats, stride of the first. */
    private static final int[][] BLOCKS = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1},
            {6, 160, 3, 2}, {6, 320, 1, 1}};

    protected MobileNetV2() {}

    public static Builder builder() { return new Builder(); }

    @Override protected String family() { return "mobilenetv2"; }
    @Override protected String featureVertex() { return "global_average_pooling2d"; }
    @Override protected double[] mean() { return new double[]{127.5, 127.5, 127.5}; }
    @Override protected double[] std() { return new double[]{127.5, 127.5, 127.5}; }
    @Override protected String note() { return " Keras publishes no checksum for the MobileNetV2 files, so none is pinned."; }

    @Override
    protected String[] kerasFile(boolean top) {
        return new String[]{"mobilenet_v2", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224" + (top ? "" : "_no_top") + ".h5", null};
    }

    @Override
    public ComputationGraphConfiguration conf() {
        ComputationGraphConfiguration.GraphBuilder g = graphBuilder();
        long h = inputShape[1], w = inputShape[2];
        String x = layer(g, "Conv1", "input_1", conv(3, 2, 32, ConvolutionMode.Same));
        x = act(g, "Conv1_relu", bn(g, "bn_Conv1", x, BN_EPS), Activation.RELU6);
        h = (h + 1) / 2;
        w = (w + 1) / 2;
        int in = 32, id = 0;
        for (int[] row : BLOCKS) {
            for (int r = 0; r < row[2]; r++, id++) {
                int stride = r == 0 ? row[3] : 1;
                x = block(g, id, x, in, row[0], row[1], stride, h, w);
                if (stride == 2) { h = (h + 1) / 2; w = (w + 1) / 2; }
                in = row[1];
            }
        }
        x = layer(g, "Conv_1", x, conv(1, 1, 1280, ConvolutionMode.Same));
        x = act(g, "out_relu", bn(g, "Conv_1_bn", x, BN_EPS), Activation.RELU6);
        String last = top(g, "global_average_pooling2d", x, 1280);
        return g.setOutputs(last).setInputTypes(InputType.convolutional(inputShape[1], inputShape[2], inputShape[0])).build();
    }

    /** Keras' _inverted_res_block; h and w are the input's spatial size (for Keras' correct_pad before stride 2). */
    private static String block(ComputationGraphConfiguration.GraphBuilder g, int id, String in, int cin, int expansion, int cout,
                                int stride, long h, long w) {
        String p = id == 0 ? "expanded_conv_" : "block_" + id + "_";
        String x = in;
        if (id != 0) {
            x = layer(g, p + "expand", x, conv(1, 1, (long) expansion * cin, ConvolutionMode.Same));
            x = act(g, p + "expand_relu", bn(g, p + "expand_BN", x, BN_EPS), Activation.RELU6);
        }
        ConvolutionMode mode = ConvolutionMode.Same;
        if (stride == 2) {   // correct_pad: one pixel after, and one before where the size is odd
            x = layer(g, p + "pad", x, new ZeroPaddingLayer.Builder((int) (h % 2), 1, (int) (w % 2), 1).build());
            mode = ConvolutionMode.Truncate;
        }
        x = layer(g, p + "depthwise", x, new DepthwiseConvolution2D.Builder(3, 3).stride(stride, stride).depthMultiplier(1)
                .hasBias(false).convolutionMode(mode).activation(Activation.IDENTITY).build());
        x = act(g, p + "depthwise_relu", bn(g, p + "depthwise_BN", x, BN_EPS), Activation.RELU6);
        x = bn(g, p + "project_BN", layer(g, p + "project", x, conv(1, 1, cout, ConvolutionMode.Same)), BN_EPS);
        if (cin == cout && stride == 1) {
            g.addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), in, x);
            x = p + "add";
        }
        return x;
    }

    private static ConvolutionLayer conv(int k, int stride, long nOut, ConvolutionMode mode) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).nOut(nOut).hasBias(false).convolutionMode(mode)
                .activation(Activation.IDENTITY).build();
    }

    public static class Builder extends KerasApplication.Builder<MobileNetV2, Builder> {
        Builder() { super(new MobileNetV2()); }
    }
}
